"""Helpers of the order tests: a financeur ready to order, and orders placed through the
real services (no shortcut through the models)."""

from dataclasses import replace
from datetime import date

from django.test import TestCase

from cesu_orders.delivery_calendar import TransportMode, earliest_delivery_date
from cesu_orders.models import Cart, DeliveryTarget, TermsOfSale
from cesu_orders.services.cart import DeliveryChoice, DraftLine, cart_save, default_line
from cesu_orders.services.orders import order_place
from tests.cesu_orders.factories import DeliveryAddressFactory, FunderFactory

# Monday 23 November 2026: standard delivery (5 business days) on Monday 30 November.
TODAY = "2026-11-23 10:00 +01:00"
EARLIEST_STANDARD = date(2026, 11, 30)


def funder_ready(organization):
    """The financeur profile and one delivery address in Paris."""
    FunderFactory(organization=organization, client_reference=f"C9{organization.pk:05d}")
    return DeliveryAddressFactory(organization=organization, label="Siège")


def line(beneficiary, **changes) -> DraftLine:
    return replace(default_line(beneficiary), **{"booklets": 1, **changes})


def delivery_to(address, **changes) -> DeliveryChoice:
    values = {
        "target": DeliveryTarget.ADDRESS,
        "address": address,
        "transport_mode": TransportMode.STANDARD,
        "date": EARLIEST_STANDARD,
        **changes,
    }
    return DeliveryChoice(**values)


def cart_version(organization) -> int:
    cart = Cart.objects.filter(organization=organization).first()
    return cart.version if cart else 0


def save_cart(organization, user, lines, delivery):
    return cart_save(
        organization=organization,
        user=user,
        version=cart_version(organization),
        lines=lines,
        delivery=delivery,
    )


def committed():
    """Runs what the services queued with transaction.on_commit (e-mails, the invoice PDF)
    as a real commit would, inside the test's transaction."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def place(organization, user, lines, delivery):
    cart = save_cart(organization, user, lines, delivery)
    with committed():
        return order_place(
            organization=organization,
            user=user,
            version=cart.version,
            terms=TermsOfSale.objects.latest("published_at"),
        )


def earliest(mode=TransportMode.STANDARD, **kwargs) -> date:
    return earliest_delivery_date(today=date(2026, 11, 23), mode=mode, **kwargs)
