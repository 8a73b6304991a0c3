from datetime import date
from decimal import Decimal

import factory

from accounts.models import Organization
from directory.models import Provider, ProviderCentre
from directory.services.profiles import (
    centre_save,
    provider_approve,
    provider_save,
    provider_submit,
)
from tests.accounts.factories import OrganizationFactory, UserFactory


def make_provider(
    *,
    organization=None,
    name="Alpha Domiciliation",
    listed=True,
    centres=(("75002", "Paris"),),
    **fields,
) -> Provider:
    """A provider saved, given centres and (by default) approved, through the services."""
    organization = organization or OrganizationFactory(name=name, kind=Organization.Kind.PROVIDER)
    values = {
        "legal_name": f"{name} SAS",
        "trade_name": name,
        "siren": "552100554",
        "approval_number": "DOM-75-2020-001",
        "approval_date": date(2024, 1, 1),
        "approval_prefecture": "Préfecture de police de Paris",
        "price_from": Decimal("25.00"),
        "mail_scan": True,
        **fields,
    }
    provider = Provider(organization=organization, **values)
    provider_save(provider=provider, changed=[])
    for postcode, city in centres:
        centre_save(
            centre=ProviderCentre(
                provider=provider,
                name=f"Centre {city}",
                address="1 rue X",
                postcode=postcode,
                city=city,
            )
        )
    if listed:
        provider_submit(provider=provider)
        provider_approve(provider=provider, reviewer=UserFactory(is_staff=True))
    provider.refresh_from_db()
    return provider


class ProviderOrganizationFactory(OrganizationFactory):
    kind = Organization.Kind.PROVIDER
    name = factory.Sequence(lambda n: f"Domiciliataire {n}")
