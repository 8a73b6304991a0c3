"""For the company, at /domiciliation/contrat/<id>/: « Mon contrat » (its state, the next
invoice, invoices and credit notes, the saved payment method), « Enregistrer un moyen de
paiement », « Payer » an unpaid invoice and « Résilier »."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.exceptions import DomainError
from common.views import show_error

from ..access import company_contract_for, contract_invoice_for
from ..contract_selectors import contract_page
from ..forms.contract import NoticeForm, RegistrationForm
from ..gateways import SIMULATED_DECLINED, GatewayError, online_gateway
from ..models import Payment, SavedPaymentMethod
from ..services.contracts import contract_recorded_refusal
from ..services.invoice_payments import (
    invoice_charge,
    invoice_payment_start,
    payment_method_save,
)
from ..services.registration import contract_registration_send
from ..services.termination import contract_give_notice, contract_transfer_seat, notice_end

logger = logging.getLogger(__name__)

# The simulated provider's cards and mandate: (choice, kind, label, method id).
SIMULATED_METHODS = [
    ("card", SavedPaymentMethod.Kind.CARD, "Visa •••• 4242 (simulation)", "sim_card"),
    ("sepa", SavedPaymentMethod.Kind.SEPA_DEBIT, "Prélèvement SEPA •••• 3000 (simulation)",
     "sim_sepa"),
    ("declined", SavedPaymentMethod.Kind.CARD, "Visa •••• 0002 (simulation, refusée)",
     SIMULATED_DECLINED),
]  # fmt: skip


def _page(request, contract, notice_form=None, *, registration_form=None, status=200):
    context = {
        **contract_page(contract, for_provider=False),
        "notice_form": notice_form or NoticeForm(),
        "registration_form": registration_form or RegistrationForm(),
        "notice_ends_on": notice_end(contract, timezone.localdate())
        if contract.may_give_notice
        else None,
    }
    return render(request, "domiciliation/contract.html", context, status=status)


def contract(request, public_id):
    """« Mon contrat »."""
    return _page(request, company_contract_for(request, public_id))


@require_POST
def registration_send(request, public_id):
    """« Envoyer mon Kbis »: the Kbis and SIREN of a company created through the portal."""
    contract = company_contract_for(request, public_id)
    form = RegistrationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            contract_registration_send(
                contract=contract,
                siren=form.cleaned_data["siren"],
                upload=form.cleaned_data["kbis"],
                kind=form.kind,
                actor=request.user,
            )
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "Votre Kbis et votre SIREN sont transmis au domiciliataire.")
            return redirect("domiciliation:contract", contract.public_id)
    return _page(request, contract, registration_form=form, status=400)


@require_POST
def contract_notice(request, public_id):
    """« Résilier »: notice, or the transfer of the registered office on a date."""
    contract = company_contract_for(request, public_id)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["kind"] == NoticeForm.TRANSFER:
                contract = contract_transfer_seat(
                    contract=contract, ends_on=form.cleaned_data["ends_on"], actor=request.user
                )
            else:
                contract = contract_give_notice(contract=contract, actor=request.user)
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request,
                "Votre résiliation est enregistrée. Le domiciliataire en est informé.",
            )
            return redirect("domiciliation:contract", contract.public_id)
    return _page(request, contract, form, status=400)


@require_POST
def payment_method_setup(request, public_id):
    """« Enregistrer un moyen de paiement »: Stripe Checkout in setup mode (or the
    simulated provider's page); the webhook records the card or the mandate."""
    contract = company_contract_for(request, public_id)
    if contract.is_ended:
        messages.error(request, "Ce contrat est terminé\u00a0: aucun prélèvement n’est prévu.")
        return redirect("domiciliation:contract", contract.public_id)
    page = reverse("domiciliation:contract", args=[contract.public_id])
    try:
        url = online_gateway().setup_url(
            contract,
            success_url=request.build_absolute_uri(page + "?moyen=enregistre"),
            cancel_url=request.build_absolute_uri(page),
        )
    except GatewayError:
        logger.exception("Setup could not start for contract %s", contract.public_id)
        messages.error(
            request, "Le service de paiement ne répond pas. Réessayez dans quelques minutes."
        )
        return redirect("domiciliation:contract", contract.public_id)
    return redirect(url)


def payment_method_simulation(request, public_id):
    """The simulated provider's page to save a card or a SEPA mandate. Absent with
    Stripe."""
    if settings.PAYMENT_PROVIDER != "simulated":
        raise Http404
    contract = company_contract_for(request, public_id)
    if request.method == "POST":
        chosen = next((m for m in SIMULATED_METHODS if m[0] == request.POST.get("method")), None)
        if chosen is None:
            messages.error(request, "Choisissez un moyen de paiement.")
            return redirect("domiciliation:payment_method_simulation", contract.public_id)
        _, kind, label, method_id = chosen
        try:
            payment_method_save(
                contract=contract,
                gateway=Payment.Method.SIMULATED,
                kind=kind,
                label=label,
                method_id=method_id,
                actor=request.user,
            )
        except DomainError as error:
            show_error(error, request=request)
        else:
            messages.success(request, f"Moyen de paiement enregistré\u00a0: {label}.")
        return redirect("domiciliation:contract", contract.public_id)
    return render(
        request,
        "domiciliation/payment_method_simulation.html",
        {"contract": contract, "methods": SIMULATED_METHODS},
    )


@require_POST
def invoice_pay(request, public_id, invoice_id):
    """« Payer » an unpaid invoice: with the saved method at once, or online (Stripe
    Checkout, or the simulated provider)."""
    contract = company_contract_for(request, public_id)
    invoice = contract_invoice_for(contract, invoice_id)
    page = reverse("domiciliation:contract", args=[contract.public_id])
    if request.POST.get("with") == "saved":
        return _pay_with_saved(request, contract, invoice)
    gateway = online_gateway()
    try:
        with contract_recorded_refusal(contract, actor=request.user, attempt="Paiement"):
            started = invoice_payment_start(
                invoice=invoice, method=gateway.method, actor=request.user
            )
        url = gateway.checkout_url(
            started,
            success_url=request.build_absolute_uri(page + "?paiement=ok"),
            cancel_url=request.build_absolute_uri(page),
        )
    except DomainError as error:
        show_error(error, request=request)
    except GatewayError:
        logger.exception("Checkout could not start for invoice %s", invoice.public_id)
        messages.error(
            request, "Le service de paiement ne répond pas. Réessayez dans quelques minutes."
        )
    else:
        return redirect(url)
    return redirect(page)


def _pay_with_saved(request, contract, invoice):
    if not invoice.is_unpaid:
        messages.error(request, f"La facture {invoice.number} n’est pas à payer.")
        return redirect("domiciliation:contract", contract.public_id)
    payment = invoice_charge(invoice_id=invoice.pk)
    if payment is None:
        messages.error(
            request,
            "Aucun prélèvement n’a pu être lancé (pas de moyen de paiement enregistré, ou un "
            "prélèvement est déjà en cours).",
        )
    else:
        payment.refresh_from_db()
        if payment.status == Payment.Status.SUCCEEDED:
            messages.success(request, f"Facture {invoice.number} payée. Merci.")
        elif payment.is_failed:
            messages.error(request, f"Paiement refusé\u00a0: {payment.failure_reason}.")
        else:
            messages.info(
                request, "Prélèvement en cours\u00a0: il sera confirmé sous quelques jours."
            )
    return redirect("domiciliation:contract", contract.public_id)
