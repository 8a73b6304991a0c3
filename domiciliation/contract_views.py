"""After acceptance: the company pays (Stripe Checkout, or the simulated provider of
the embedded default), Stripe's webhook confirms, both parties sign with a code sent by
SMS, and both download the invoice and the documents."""

import logging
from decimal import Decimal

import stripe
from allauth.account.adapter import get_adapter
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import Membership
from common.files import file_response
from common.validators import uuid_or_none

from .documents import contract_document, invoice_document
from .forms import SignatureForm
from .gateways import GatewayError, online_gateway
from .models import Case, CaseDocument, CaseEvent, CaseStatus, Invoice, Payment, Signature
from .services.cases import NBSP, CaseRefused, recorded_refusal
from .services.payments import payment_confirm, payment_fail, payment_start
from .services.signatures import (
    masked_phone,
    may_sign,
    signature_request_code,
    signature_sign,
    signer_phone,
)

logger = logging.getLogger(__name__)


def _own_case(request, public_id) -> Case:
    return get_object_or_404(
        Case.objects.select_related("client_file", "provider", "centre"),
        public_id=public_id,
        client_file__owner=request.user,
    )


def payment(request, public_id):
    """The first payment: the amount and its detail, the deadline, then « Payer »."""
    case = _own_case(request, public_id)
    if request.method == "POST":
        gateway = online_gateway()
        try:
            with recorded_refusal(case, actor=request.user, attempt="Paiement"):
                started = payment_start(case=case, method=gateway.method, actor=request.user)
            url = gateway.checkout_url(
                started,
                success_url=request.build_absolute_uri(
                    reverse("domiciliation:dashboard") + "?paiement=ok"
                ),
                cancel_url=request.build_absolute_uri(request.path),
            )
        except CaseRefused as error:
            messages.error(request, str(error))
        except GatewayError:
            logger.exception("Checkout could not start for case %s", case.public_id)
            messages.error(
                request,
                "Le service de paiement ne répond pas. Réessayez dans quelques minutes.",
            )
        else:
            return redirect(url)
        return redirect("domiciliation:payment", case.public_id)
    context = {"case": case, "payment": case.first_payment}
    return render(request, "domiciliation/payment.html", context)


def payment_simulation(request, public_id):
    """The simulated provider's page: the company chooses success or failure; both go
    through the same services as a real provider's answer. Absent with Stripe."""
    if settings.PAYMENT_PROVIDER != "simulated":
        raise Http404
    payment = get_object_or_404(
        Payment.objects.select_related("case__client_file", "case__provider"),
        public_id=public_id,
        method=Payment.Method.SIMULATED,
        case__client_file__owner=request.user,
    )
    case = payment.case
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome == "success":
            try:
                with recorded_refusal(case, actor=request.user, attempt="Paiement"):
                    payment_confirm(
                        payment=payment,
                        amount=payment.amount,
                        reference=f"SIMULATION-{payment.public_id.hex[:12].upper()}",
                        actor=request.user,
                    )
            except CaseRefused as error:
                messages.error(request, str(error))
                return redirect("domiciliation:dashboard")
            messages.success(
                request,
                "Paiement reçu. Votre facture est émise et le contrat vous est envoyé à signer "
                "par e-mail et SMS.",
            )
            return redirect("domiciliation:dashboard")
        if outcome == "failure":
            payment_fail(payment=payment, reason="carte refusée (simulation)", actor=request.user)
            messages.error(
                request, "Le paiement a été refusé par la banque. Vous pouvez réessayer."
            )
            return redirect("domiciliation:payment", case.public_id)
    return render(
        request, "domiciliation/payment_simulation.html", {"payment": payment, "case": case}
    )


@csrf_exempt
@login_not_required
@require_POST
def stripe_webhook(request):
    """Stripe's word that a Checkout Session is paid, trusted only with a valid signature
    made less than 5 minutes ago. An event about no payment of ours is acknowledged and
    ignored; a replayed one finds the payment confirmed and changes nothing."""
    try:
        event = stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE_WEBHOOK_SECRET,
        ).to_dict()
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("Signature invalide.")
    if event["type"] not in (
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ):
        return HttpResponse(status=200)
    session = event["data"]["object"]
    if session.get("payment_status") != "paid" or session.get("currency") != "eur":
        return HttpResponse(status=200)
    payment = (
        Payment.objects.filter(
            public_id=uuid_or_none(session.get("client_reference_id")),
            method=Payment.Method.STRIPE,
            reference=session.get("id"),
        )
        .select_related("case")
        .first()
    )
    if payment is None:
        logger.warning("Stripe event %s names no payment of ours: ignored.", event.get("id"))
        return HttpResponse(status=200)
    try:
        with recorded_refusal(payment.case, actor=None, attempt="Paiement Stripe"):
            payment_confirm(
                payment=payment,
                amount=Decimal(session["amount_total"]) / 100,
                reference=session["id"],
                provider_payment_id=session.get("payment_intent") or "",
            )
    except CaseRefused:
        logger.warning("Stripe event %s refused for payment %s.", event.get("id"), payment.pk)
    return HttpResponse(status=200)


def _may_see(user, case: Case) -> bool:
    """The company's owner, and the domiciliataire's active admins and agents."""
    if case.client_file.owner_id == user.pk:
        return True
    return Membership.objects.filter(
        user=user,
        organization_id=case.provider.organization_id,
        role__in=[Membership.Role.ADMIN, Membership.Role.AGENT],
        is_active=True,
    ).exists()


# The signing page shows the contract in a frame of the portal itself.
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def document_download(request, public_id):
    document = get_object_or_404(
        CaseDocument.objects.select_related("case__client_file", "case__provider"),
        public_id=public_id,
    )
    if not _may_see(request.user, document.case):
        raise Http404
    name = f"{document.kind}-{document.case.client_file.company_name}.pdf"
    return file_response(
        document.file, filename=name, as_attachment=request.GET.get("apercu") != "1"
    )


def invoice_download(request, public_id):
    invoice = get_object_or_404(
        Invoice.objects.select_related("case__client_file", "case__provider"),
        public_id=public_id,
    )
    if not _may_see(request.user, invoice.case):
        raise Http404
    invoice = invoice_document(invoice_id=invoice.pk)
    return file_response(invoice.pdf, filename=f"facture-{invoice.number}.pdf")


def signature(request, public_id):
    """The signing page: the contract, « Recevoir un code par SMS », then the code and
    « Signer le contrat ». Anyone but the intended signer is refused, and the attempt is
    written on the case's timeline."""
    signature = get_object_or_404(
        Signature.objects.select_related(
            "case__client_file", "case__provider", "case__centre", "signer"
        ),
        public_id=public_id,
    )
    case = signature.case
    if not may_sign(signature, request.user):
        CaseEvent.objects.create(
            case=case,
            actor=request.user,
            note=f"Lien de signature ({signature.get_party_display().lower()}) ouvert par "
            f"{request.user.email}{NBSP}: refusé",
        )
        return render(
            request, "domiciliation/signature_refused.html", {"signature": signature}, status=403
        )
    form = SignatureForm(request.POST if request.POST.get("action") == "sign" else None)
    status, code_error = 200, ""
    if request.method == "POST":
        try:
            with recorded_refusal(case, actor=request.user, attempt="Signature"):
                if request.POST.get("action") == "code":
                    code = signature_request_code(signature=signature, user=request.user)
                    messages.success(
                        request,
                        f"Un code à 6 chiffres vient d’être envoyé par SMS au "
                        f"{masked_phone(code.phone)}. Il est valable 10 minutes.",
                    )
                    return redirect("domiciliation:signature", signature.public_id)
                if form.is_valid():
                    signature_sign(
                        signature=signature,
                        user=request.user,
                        code=form.cleaned_data["code"],
                        ip_address=get_adapter().get_client_ip(request),
                        user_agent=request.headers.get("User-Agent", ""),
                    )
                    messages.success(request, "Le contrat est signé. Merci.")
                    return redirect("domiciliation:signature", signature.public_id)
        except CaseRefused as error:
            if form.is_bound:
                form.add_error("code", str(error))
            else:
                code_error = str(error)
        status = 400
    signatures = list(case.signatures.select_related("signer"))
    contract = (
        contract_document(case_id=case.pk)
        if case.status in (CaseStatus.PAID, CaseStatus.SIGNED)
        else None
    )
    documents = {document.kind: document for document in case.documents.all()}
    context = {
        "signature": signature,
        "case": case,
        "client_file": case.client_file,
        "signatures": signatures,
        "contract": contract,
        "signed_contract": documents.get(CaseDocument.Kind.SIGNED_CONTRACT),
        "form": form,
        "code_error": code_error,
        "phone": masked_phone(signer_phone(signature, request.user)),
        "active_code": signature.codes.filter(user=request.user, used_at__isnull=True).first(),
    }
    return render(request, "domiciliation/signature.html", context, status=status)
