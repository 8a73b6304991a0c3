import datetime
from decimal import Decimal

import factory

from accounts.models import Organization
from cesu_orders.models import Funder, Invoice
from tests.factories import OrganizationFactory


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
