import datetime
from decimal import Decimal

import factory

from accounts.models import Organization
from cesu_orders.models import (
    Beneficiary,
    DeliveryAddress,
    Funder,
    Invoice,
    UsageCategory,
    VoucherFormat,
)
from cesu_orders.services.beneficiaries import beneficiary_sort_name
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
