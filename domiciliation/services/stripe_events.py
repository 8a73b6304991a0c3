"""What a Stripe event (its signature already checked by the webhook view) does, in one
place: a Checkout Session paid confirms its payment; a setup Checkout Session saves the
company's card or SEPA mandate; a PaymentIntent that succeeded or failed (an off-session
charge, a SEPA debit returned days later) confirms or fails its payment with Stripe's
reason. An event about nothing of ours is ignored; a replayed one changes nothing; one
the services refuse (another amount) is written on the timeline and acknowledged."""

import logging
from decimal import Decimal

from common.exceptions import DomainError

from ..contract_selectors import stripe_intent_payment, stripe_setup_contract
from ..models import Payment
from ..selectors import stripe_payment
from .cases import recorded_refusal
from .contracts import contract_recorded_refusal
from .invoice_payments import payment_method_save
from .payments import payment_confirm, payment_fail

logger = logging.getLogger(__name__)

CHECKOUT_PAID = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


def stripe_event_handle(event: dict) -> str:
    """Acts on `event`; returns what it did (for the logs and the tests)."""
    kind = event.get("type", "")
    data = event.get("data", {}).get("object", {})
    if kind in CHECKOUT_PAID and data.get("mode") == "setup":
        return _setup_completed(event, data)
    if kind in CHECKOUT_PAID:
        return _checkout_paid(event, data)
    if kind in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        return _intent(event, kind, data)
    return "ignored"


def _refusal_log(payment: Payment, attempt: str):
    """Where a refused confirmation is written: the contract's timeline for an invoice
    of it, the case's otherwise."""
    if payment.invoice_id and payment.invoice.contract_id:
        return contract_recorded_refusal(payment.invoice.contract, actor=None, attempt=attempt)
    return recorded_refusal(payment.case, actor=None, attempt=attempt)


def _confirm(event: dict, payment: Payment, **confirmation) -> str:
    try:
        with _refusal_log(payment, "Paiement Stripe"):
            payment_confirm(payment=payment, **confirmation)
    except DomainError:
        logger.warning("Stripe event %s refused for payment %s.", event.get("id"), payment.pk)
        return "refused"
    return "confirmed"


def _checkout_paid(event: dict, session: dict) -> str:
    if session.get("payment_status") != "paid" or session.get("currency") != "eur":
        return "ignored"
    payment = stripe_payment(session.get("client_reference_id"), session.get("id"))
    if payment is None:
        logger.warning("Stripe event %s names no payment of ours: ignored.", event.get("id"))
        return "ignored"
    return _confirm(
        event,
        payment,
        amount=Decimal(session["amount_total"]) / 100,
        reference=session["id"],
        provider_payment_id=session.get("payment_intent") or "",
    )


def _intent(event: dict, kind: str, intent: dict) -> str:
    metadata = intent.get("metadata") or {}
    payment = stripe_intent_payment(intent.get("id", ""), metadata.get("payment", ""))
    if payment is None or payment.invoice_id is None:
        return "ignored"  # a first payment's intent: its Checkout Session confirms it
    if kind == "payment_intent.payment_failed":
        error = intent.get("last_payment_error") or {}
        code = error.get("decline_code") or error.get("code") or ""
        reason = error.get("message") or "paiement refusé"
        payment_fail(payment=payment, reason=f"{reason} ({code})" if code else reason)
        return "failed"
    if intent.get("currency") != "eur":
        return "ignored"
    return _confirm(
        event,
        payment,
        amount=Decimal(intent.get("amount_received") or 0) / 100,
        reference=intent["id"],
        provider_payment_id=intent["id"],
    )


def _setup_completed(event: dict, session: dict) -> str:
    from ..gateways import GatewayError, StripeGateway

    contract = stripe_setup_contract(session.get("client_reference_id"), session.get("customer"))
    if contract is None or not session.get("setup_intent"):
        logger.warning("Stripe setup %s names no contract of ours: ignored.", event.get("id"))
        return "ignored"
    try:
        saved = StripeGateway().saved_method(session["setup_intent"])
    except GatewayError:
        logger.exception("Stripe setup %s: the saved method could not be read.", event.get("id"))
        raise
    try:
        payment_method_save(
            contract=contract,
            gateway=Payment.Method.STRIPE,
            kind=saved.kind,
            label=saved.label,
            method_id=saved.method_id,
            setup_reference=session["id"],
        )
    except DomainError:
        return "refused"
    return "saved"
