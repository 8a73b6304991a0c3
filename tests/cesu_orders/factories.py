"""The financeur space's factories, and the builders other tests need: the default
catalogue, a financeur ready to order, table lines, delivery choices, a saved cart, an
order placed through the real services (no shortcut through the models) and a POST of
the order table."""

import datetime
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
import pytest
import time_machine
from django.test import TestCase

from accounts.models import Organization
from cesu_orders.delivery_calendar import TransportMode, earliest_delivery_date
from cesu_orders.models import (
    Beneficiary,
    Cart,
    DeliveryAddress,
    DeliveryTarget,
    Funder,
    Invoice,
    TermsOfSale,
    UsageCategory,
    VoucherFormat,
)
from cesu_orders.selectors import terms_of_sale_current
from cesu_orders.services.beneficiaries import beneficiary_sort_name
from cesu_orders.services.cart import DeliveryChoice, DraftLine, cart_save, default_line
from cesu_orders.services.orders import (
    order_mark_delivered,
    order_mark_manufactured,
    order_mark_shipped,
    order_place,
)
from tests.accounts.factories import OrganizationFactory

PARIS = ZoneInfo("Europe/Paris")

# Monday 23 November 2026: standard delivery (5 business days) on Monday 30 November.
TODAY = "2026-11-23 10:00 +01:00"
EARLIEST_STANDARD = datetime.date(2026, 11, 30)


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    organization = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.FUNDER)
    client_reference = factory.Sequence(lambda n: f"C{200001 + n}")
    legal_name = factory.SelfAttribute("organization.name")
    siret = "73282932000074"
    billing_address = "12 rue de la Paix"
    billing_postcode = "75002"
    billing_city = "Paris"


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    organization = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.FUNDER)
    number = factory.Sequence(lambda n: f"F2026-{n + 1:05d}")
    issue_date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    amount_excl_tax = Decimal("1000.00")
    vat_amount = Decimal("200.00")
    amount_incl_tax = Decimal("1200.00")


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    """A paper bénéficiaire with the default catalogue's values (services à domicile,
    15 € face value, 50 %, 10 vouchers per booklet)."""

    class Meta:
        model = Beneficiary

    organization = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.FUNDER)
    civility = Beneficiary.Civility.MADAME
    last_name = factory.Sequence(lambda n: f"Nom{n:05d}")
    first_name = "Alice"
    sort_name = factory.LazyAttribute(
        lambda o: beneficiary_sort_name(last_name=o.last_name, first_name=o.first_name)
    )
    email = factory.LazyAttribute(lambda o: f"{o.last_name.lower()}@example.com")
    address = "1 rue de la Paix"
    postcode = "75002"
    city = "Paris"
    usual_usage_category = factory.LazyFunction(
        lambda: UsageCategory.objects.get(code="services-domicile")
    )
    usual_format = VoucherFormat.PAPER
    usual_face_value = Decimal("15.00")
    usual_employer_share = Decimal("50.00")
    usual_booklets = 1
    usual_vouchers_per_booklet = 10


class DeliveryAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryAddress

    organization = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.FUNDER)
    label = factory.Sequence(lambda n: f"Site {n}")
    recipient = "Service RH"
    address = "5 avenue de l’Opéra"
    postcode = "75001"
    city = "Paris"


@pytest.fixture
def catalogue():
    """The catalogue the data migrations create, again: a transactional test may run
    after another one flushed the database."""
    from django.apps import apps

    from cesu_orders.catalogue import ensure_default_catalogue, ensure_order_catalogue
    from cesu_orders.models import BookletSize, FaceValue

    ensure_default_catalogue(UsageCategory, FaceValue, BookletSize)
    ensure_order_catalogue(lambda name: apps.get_model("cesu_orders", name))


# Ordering


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


def place(organization, user, lines, delivery, **options):
    """The order of `lines`, saved then validated (`options`: the millésime chosen); what
    the services queue on commit (e-mails, the invoice PDF) runs as a real commit would,
    inside the test's transaction (what pytest-django's
    django_capture_on_commit_callbacks(execute=True) does)."""
    cart = save_cart(organization, user, lines, delivery)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return order_place(
            organization=organization,
            user=user,
            version=cart.version,
            terms=terms_of_sale_current(),
            **options,
        )


def terms_since(year: int) -> TermsOfSale:
    """Terms of sale published on 1 January of `year`: the catalogue's first version is
    of 2026, and an order placed in an earlier year needs terms in force then."""
    terms, _ = TermsOfSale.objects.get_or_create(
        version=f"{year}-test",
        defaults={
            "body": "Conditions de test.",
            "published_at": datetime.datetime(year, 1, 1, tzinfo=datetime.UTC),
        },
    )
    return terms


def order_on(day, organization, user, lines, address, *, delivery=None, **options):
    """The order of `lines` placed on `day` at 10:00 in Paris, delivered to `address` by
    standard transport on the first day possible (or `delivery`)."""
    moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=PARIS)
    with time_machine.travel(moment, tick=False):
        when = delivery or earliest_delivery_date(today=day, mode=TransportMode.STANDARD)
        return place(organization, user, lines, delivery_to(address, date=when), **options)


def made(order, staff, *, on=None, delivered=True):
    """`order` moved by staff to « fabriquée » (delivery on `on`, else the day asked),
    then « expédiée » and « livrée » unless `delivered` is False."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        order_mark_manufactured(order=order, actor=staff, delivery_date=on or order.delivery_date)
        if delivered:
            order_mark_shipped(order=order, actor=staff, tracking_number="6A12345678901")
            order_mark_delivered(order=order, actor=staff)
    order.refresh_from_db()
    return order


def earliest(mode=TransportMode.STANDARD, **kwargs) -> datetime.date:
    return earliest_delivery_date(today=datetime.date(2026, 11, 23), mode=mode, **kwargs)


def table_post(people, address, *, lines=None, action="save", version=0, **extra):
    """A POST of the order table: `lines` maps a bénéficiaire to its list of column
    dicts."""
    data = {
        "cart_version": str(version),
        "action": action,
        "delivery": f"address-{address.pk}",
        "transport_mode": "standard",
        "delivery_date": EARLIEST_STANDARD.isoformat(),
        **extra,
    }
    lines = lines or {}
    columns = [
        "beneficiary",
        "category",
        "format",
        "booklets",
        "per_booklet",
        "face_value",
        "share",
    ]
    posted = {name: [] for name in columns}
    for person in people:
        for values in lines.get(person, [{}]):
            row = {
                "beneficiary": str(person.public_id),
                "category": str(person.usual_usage_category_id),
                "format": person.usual_format,
                "booklets": "0",
                "per_booklet": str(person.usual_vouchers_per_booklet),
                "face_value": f"{person.usual_face_value:.2f}",
                "share": "50",
                **values,
            }
            for name in columns:
                posted[name].append(row[name])
    data.update(posted)
    return data


def recap_pdf_bytes(order) -> bytes:
    """« Récapitulatif PDF » as its task makes it (the view serves the stored file)."""
    from cesu_orders.services.order_files import ORDER_FILES

    return ORDER_FILES["recap_pdf"].make(order)
