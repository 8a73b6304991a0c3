"""Where the company pays online, chosen by settings.PAYMENT_PROVIDER: Stripe Checkout,
or a simulated provider (a page of the portal) for the embedded default and the demo.
Neither confirms a payment by itself: Stripe's signed webhook and the simulated page
both call services.payments.payment_confirm."""

from decimal import Decimal

import stripe
from django.conf import settings
from django.urls import reverse

from .models import Payment


class GatewayError(Exception):
    """The payment provider could not be reached or refused the request."""


class SimulatedGateway:
    method = Payment.Method.SIMULATED

    def checkout_url(self, payment: Payment, *, success_url: str, cancel_url: str) -> str:
        return reverse("domiciliation:payment_simulation", args=[payment.public_id])

    def refund(self, payment: Payment) -> None:
        """Nothing was charged: nothing to give back."""


def cents(amount: Decimal) -> int:
    """Stripe counts in cents: 107,64 € is 10764."""
    return int((amount * 100).to_integral_value())


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
                                "product_data": {
                                    "name": f"Domiciliation – premier paiement ({case.provider})",
                                },
                            },
                        }
                    ],
                    "metadata": {"payment": str(payment.public_id), "case": str(case.public_id)},
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

    def refund(self, payment: Payment) -> None:
        try:
            self._client().v1.refunds.create(
                params={"payment_intent": payment.provider_payment_id},
                options={"idempotency_key": f"refund-{payment.public_id}"},
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error


def gateway_for(method: str):
    return {Payment.Method.STRIPE: StripeGateway, Payment.Method.SIMULATED: SimulatedGateway}[
        method
    ]()


def online_gateway():
    """The provider the company pays with: settings.PAYMENT_PROVIDER."""
    return gateway_for(settings.PAYMENT_PROVIDER)
