"""Where the company pays online, chosen by settings.PAYMENT_PROVIDER: Stripe (Checkout for
a payment the company makes, Checkout in setup mode to save a card or a SEPA direct-debit
mandate, PaymentIntents charged off-session to the saved method), or a simulated
provider (pages of the portal) for the embedded default and the demo. Neither confirms
a payment by itself: Stripe's signed webhook, the answer to an off-session charge and
the simulated pages all go through the payment services."""

from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings
from django.urls import reverse

from .models import Contract, Payment, SavedPaymentMethod

# A simulated saved method whose charges the bank refuses: to try the unpaid path.
SIMULATED_DECLINED = "sim_declined"


class GatewayError(Exception):
    """The payment provider could not be reached or refused the request."""


@dataclass(frozen=True)
class ChargeResult:
    """The provider's answer to an off-session charge: succeeded, processing (a SEPA
    debit, confirmed days later by the webhook) or failed, with the provider's reason."""

    status: str
    provider_payment_id: str = ""
    reason: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True)
class SavedMethod:
    """A payment method the provider saved, as the portal keeps it."""

    kind: str
    label: str
    method_id: str


def cents(amount: Decimal) -> int:
    """Stripe counts in cents: 107,64 € is 10764."""
    return int((amount * 100).to_integral_value())


def _object(payment: Payment) -> str:
    if payment.invoice_id and payment.invoice.kind != payment.invoice.Kind.FIRST:
        return f"Facture {payment.invoice.number} ({payment.case.provider})"
    return f"Domiciliation – premier paiement ({payment.case.provider})"


class SimulatedGateway:
    method = Payment.Method.SIMULATED

    def checkout_url(self, payment: Payment, *, success_url: str, cancel_url: str) -> str:
        return reverse("domiciliation:payment_simulation", args=[payment.public_id])

    def setup_url(self, contract: Contract, *, success_url: str, cancel_url: str) -> str:
        return reverse("domiciliation:payment_method_simulation", args=[contract.public_id])

    def charge(self, payment: Payment) -> ChargeResult:
        """The simulated bank accepts every saved card but the one saved to be refused."""
        reference = f"SIMULATION-{payment.public_id.hex[:12].upper()}"
        if payment.saved_method.method_id == SIMULATED_DECLINED:
            return ChargeResult("failed", reference, "carte refusée par la banque (simulation)")
        return ChargeResult("succeeded", reference)

    def refund(self, payment: Payment, *, amount: Decimal | None = None, key: str = "") -> None:
        """Nothing was charged: nothing to give back."""


def _label(method: dict) -> SavedMethod:
    """« Visa •••• 4242 », « Prélèvement SEPA •••• 3000 »."""
    kind = method.get("type", "")
    if kind == "sepa_debit":
        last4 = (method.get("sepa_debit") or {}).get("last4", "")
        return SavedMethod(SavedPaymentMethod.Kind.SEPA_DEBIT, f"Prélèvement SEPA •••• {last4}",
                           method["id"])  # fmt: skip
    card = method.get("card") or {}
    brand = (card.get("brand") or "carte").capitalize()
    return SavedMethod(SavedPaymentMethod.Kind.CARD, f"{brand} •••• {card.get('last4', '')}",
                       method["id"])  # fmt: skip


class StripeGateway:
    method = Payment.Method.STRIPE

    def _client(self) -> stripe.StripeClient:
        base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2
        )

    def checkout_url(self, payment: Payment, *, success_url: str, cancel_url: str) -> str:
        """A Checkout Session for the payment's amount. The idempotency key is the
        payment's: a double click or a retry after a network error gets the same
        session, never a second charge."""
        case = payment.case
        metadata = {"payment": str(payment.public_id), "case": str(case.public_id)}
        try:
            session = self._client().v1.checkout.sessions.create(
                params={
                    "mode": "payment",
                    "client_reference_id": str(payment.public_id),
                    "customer_email": case.client_file.rep_email or None,
                    "line_items": [
                        {
                            "quantity": 1,
                            "price_data": {
                                "currency": "eur",
                                "unit_amount": cents(payment.amount),
                                "product_data": {"name": _object(payment)},
                            },
                        }
                    ],
                    "metadata": metadata,
                    "payment_intent_data": {"metadata": metadata},
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                    "locale": "fr",
                },
                options={"idempotency_key": f"checkout-{payment.public_id}"},
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        Payment.objects.filter(pk=payment.pk).update(reference=session.id)
        return session.url

    def _customer(self, contract: Contract) -> str:
        """The contract's customer at Stripe, created once (its key makes a retry return
        the same one)."""
        if contract.stripe_customer:
            return contract.stripe_customer
        customer = self._client().v1.customers.create(
            params={
                "email": contract.case.client_file.rep_email or None,
                "name": contract.company_name,
                "metadata": {"contract": str(contract.public_id)},
            },
            options={"idempotency_key": f"customer-{contract.public_id}"},
        )
        Contract.objects.filter(pk=contract.pk).update(stripe_customer=customer.id)
        contract.stripe_customer = customer.id
        return customer.id

    def setup_url(self, contract: Contract, *, success_url: str, cancel_url: str) -> str:
        """Checkout in setup mode: the company saves a card or a SEPA mandate for the
        contract's invoices; the webhook records it."""
        try:
            session = self._client().v1.checkout.sessions.create(
                params={
                    "mode": "setup",
                    "currency": "eur",
                    "customer": self._customer(contract),
                    "payment_method_types": ["card", "sepa_debit"],
                    "client_reference_id": str(contract.public_id),
                    "metadata": {"contract": str(contract.public_id)},
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                    "locale": "fr",
                }
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return session.url

    def saved_method(self, setup_intent_id: str) -> SavedMethod:
        """The payment method a completed setup saved."""
        try:
            intent = self._client().v1.setup_intents.retrieve(
                setup_intent_id, params={"expand": ["payment_method"]}
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return _label(intent.to_dict()["payment_method"])

    def charge(self, payment: Payment) -> ChargeResult:
        """An off-session PaymentIntent on the saved method, confirmed at once, with the
        payment's idempotency key: a retry of this attempt is the same charge. A decline
        is an answer (failed, with Stripe's reason); a network error raises."""
        saved = payment.saved_method
        try:
            intent = self._client().v1.payment_intents.create(
                params={
                    "amount": cents(payment.amount),
                    "currency": "eur",
                    "customer": payment.invoice.contract.stripe_customer,
                    "payment_method": saved.method_id,
                    "payment_method_types": [saved.kind],
                    "off_session": True,
                    "confirm": True,
                    "description": _object(payment),
                    "metadata": {
                        "payment": str(payment.public_id),
                        "invoice": str(payment.invoice.public_id),
                    },
                },
                options={"idempotency_key": payment.idempotency_key},
            )
        except stripe.CardError as error:
            intent = error.error.payment_intent if error.error else None
            return ChargeResult("failed", getattr(intent, "id", "") or "", _reason(error))
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        if intent.status == "succeeded":
            return ChargeResult("succeeded", intent.id)
        if intent.status in ("processing", "requires_capture"):
            return ChargeResult("processing", intent.id)
        return ChargeResult("failed", intent.id, f"paiement non abouti ({intent.status})")

    def refund(self, payment: Payment, *, amount: Decimal | None = None, key: str = "") -> None:
        params = {"payment_intent": payment.provider_payment_id}
        if amount is not None:
            params["amount"] = cents(amount)
        try:
            self._client().v1.refunds.create(
                params=params, options={"idempotency_key": key or f"refund-{payment.public_id}"}
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error


def _reason(error: stripe.StripeError) -> str:
    """Stripe's reason for a decline, as the company and the domiciliataire read it."""
    detail = error.error
    message = (detail.message if detail else "") or str(error)
    code = detail.decline_code or detail.code if detail else ""
    return f"{message} ({code})" if code else message


def gateway_for(method: str):
    return {Payment.Method.STRIPE: StripeGateway, Payment.Method.SIMULATED: SimulatedGateway}[
        method
    ]()


def online_gateway():
    """The provider the company pays with: settings.PAYMENT_PROVIDER."""
    return gateway_for(settings.PAYMENT_PROVIDER)
