"""« S'inscrire en ligne », public (no login): a financeur's future primary manager proves
who they are with the client reference, one of the three latest invoices and its amount."""

from allauth.account.adapter import get_adapter
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from ..forms.registration import RegistrationForm
from ..services.registration import registration_consume_attempt, registration_submit

# One message whatever failed: it must not tell which check did.
NOT_VERIFIED = (
    "Nous n’avons pas pu vérifier votre inscription avec ces informations. Vérifiez votre "
    "référence client, le numéro et le montant de la facture, ou contactez le service "
    "clients\u00a0: votre demande lui a été transmise."
)
TOO_MANY = "Trop de demandes d’inscription. Veuillez réessayer plus tard."


@login_not_required
def registration(request):
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ip_address = get_adapter(request).get_client_ip(request)
        if not registration_consume_attempt(
            ip_address=ip_address, client_reference=data["client_reference"]
        ):
            form.add_error(None, TOO_MANY)
        else:
            submitted = registration_submit(
                client_reference=data["client_reference"],
                invoice_number=data["invoice_number"],
                invoice_amount=data["invoice_amount"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
                ip_address=ip_address,
            )
            if submitted.is_approved:
                return redirect("cesu_orders:registration_done")
            if submitted.awaits_staff_check:
                return redirect("cesu_orders:registration_received")
            form.add_error(None, NOT_VERIFIED)
    return render(request, "cesu_orders/registration.html", {"form": form})


@login_not_required
def registration_done(request):
    return render(request, "cesu_orders/registration_done.html")


@login_not_required
def registration_received(request):
    """The invoice matched but the e-mail is not the one on file: staff check it first."""
    return render(request, "cesu_orders/registration_received.html")
