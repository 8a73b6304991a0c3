"""The first payment, for both parties. The company pays (Stripe Checkout, or the
simulated provider of the embedded default) and Stripe's webhook confirms; the
domiciliataire's « Paiement et signature » tab shows the payments and lets it record a
bank transfer, reactivate an expired case or refund a payment the case does not need."""

import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import Membership
from common.exceptions import DomainError
from common.formats import french_datetime
from common.views import show_error

from ..access import (
    admin_required,
    company_case_for,
    member_required,
    provider_case_for,
    provider_payment_for,
    simulated_payment_for,
)
from ..forms.payment import TransferForm
from ..gateways import GatewayError, online_gateway
from ..selectors import case_payment_overview
from ..services.cases import recorded_refusal
from ..services.contracts import contract_recorded_refusal
from ..services.deadlines import case_reactivate
from ..services.payments import (
    payment_confirm,
    payment_fail,
    payment_record_transfer,
    payment_refund,
    payment_start,
)
from ..services.stripe_events import stripe_event_handle
from .provider import render_case

logger = logging.getLogger(__name__)

# The company's side


def payment(request, public_id):
    """The first payment: the amount and its detail, the deadline, then « Payer »."""
    case = company_case_for(request, public_id)
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
        except DomainError as error:
            show_error(error, request=request)
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
    payment = simulated_payment_for(request, public_id)
    case = payment.case
    if payment.invoice_id is not None and payment.invoice.contract_id is not None:
        return _simulated_invoice_payment(request, payment)
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
            except DomainError as error:
                show_error(error, request=request)
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


def _simulated_invoice_payment(request, payment):
    """The simulated page for an invoice of the running contract."""
    contract = payment.invoice.contract
    if request.method == "POST" and request.POST.get("outcome") in ("success", "failure"):
        if request.POST["outcome"] == "failure":
            payment_fail(payment=payment, reason="carte refusée (simulation)", actor=request.user)
            messages.error(
                request, "Le paiement a été refusé par la banque. Vous pouvez réessayer."
            )
            return redirect("domiciliation:contract", contract.public_id)
        try:
            with contract_recorded_refusal(contract, actor=request.user, attempt="Paiement"):
                payment_confirm(
                    payment=payment,
                    amount=payment.amount,
                    reference=f"SIMULATION-{payment.public_id.hex[:12].upper()}",
                    actor=request.user,
                )
        except DomainError as error:
            show_error(error, request=request)
        else:
            messages.success(
                request, f"Paiement reçu\u00a0: facture {payment.invoice.number} réglée."
            )
        return redirect("domiciliation:contract", contract.public_id)
    return render(
        request,
        "domiciliation/payment_simulation.html",
        {"payment": payment, "case": payment.case},
    )


@csrf_exempt
@login_not_required
@require_POST
def stripe_webhook(request):
    """Stripe's word about a payment or a saved method, trusted only with a valid
    signature made less than 5 minutes ago (services.stripe_events acts on it). An event
    about nothing of ours is acknowledged and ignored; a replayed one changes nothing;
    while Stripe's API cannot be read, Stripe is asked to deliver it again later."""
    try:
        event = stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE_WEBHOOK_SECRET,
        ).to_dict()
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("Signature invalide.")
    try:
        stripe_event_handle(event)
    except GatewayError:
        return HttpResponse("Stripe injoignable, réessayez.", status=503)
    return HttpResponse(status=200)


# The domiciliataire's side: « Paiement et signature »


def _payment_page(request, case, transfer_form, *, status=200):
    context = {
        **case_payment_overview(case),
        "transfer_form": transfer_form,
        "is_admin": request.membership.role == Membership.Role.ADMIN,
    }
    return render_case(request, case, "payment", context, status=status)


@member_required
def case_payment(request, public_id):
    """« Paiement et signature »: payments, the invoice, the signatures and the documents;
    a transfer to record, an expired case to reactivate, a late payment to refund."""
    case = provider_case_for(request, public_id)
    return _payment_page(request, case, TransferForm())


@require_POST
@member_required
def case_transfer(request, public_id):
    """The domiciliataire records a bank transfer received for the first payment."""
    case = provider_case_for(request, public_id)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            with recorded_refusal(case, actor=request.user, attempt="Virement"):
                payment_record_transfer(case=case, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "Le virement est enregistré.")
            return redirect("domiciliation_provider:case_payment", case.public_id)
    case.refresh_from_db()
    return _payment_page(request, case, form, status=400)


@require_POST
@member_required
def case_reactivate_view(request, public_id):
    case = provider_case_for(request, public_id)
    try:
        case = case_reactivate(case=case, actor=request.user)
    except DomainError as error:
        show_error(error, request=request)
    else:
        if case.is_awaiting_payment:
            message = (
                "Le dossier est réactivé\u00a0: le client a jusqu’au "
                f"{french_datetime(case.payment_due_at)} pour payer."
            )
        else:
            message = (
                "Le dossier est réactivé avec le paiement reçu\u00a0: le contrat part à "
                "la signature."
            )
        messages.success(request, message)
    return redirect("domiciliation_provider:case_payment", case.public_id)


@require_POST
@admin_required
def payment_refund_view(request, public_id, payment_id):
    case = provider_case_for(request, public_id)
    payment = provider_payment_for(case, payment_id)
    try:
        with recorded_refusal(case, actor=request.user, attempt="Remboursement"):
            payment_refund(payment=payment, actor=request.user)
    except DomainError as error:
        show_error(error, request=request)
    else:
        messages.success(request, "Le paiement est remboursé et le client en est informé.")
    return redirect("domiciliation_provider:case_payment", case.public_id)
