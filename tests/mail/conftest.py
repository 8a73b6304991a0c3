"""The domiciliataires, the company and its running contract every mail test uses."""

from datetime import date

import pytest
import time_machine

from accounts.models import Membership
from domiciliation.sealing import self_signed_seal
from notifications import sms
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import make_provider
from tests.domiciliation.factories import at, verified
from tests.mail.factories import running_contract

START = date(2027, 1, 11)


@pytest.fixture
def paris():
    provider = make_provider(name="Paris Domiciliation")
    MembershipFactory(
        organization=provider.organization,
        role=Membership.Role.ADMIN,
        user__email="admin@paris.example",
    )
    MembershipFactory(
        organization=provider.organization,
        role=Membership.Role.AGENT,
        user__email="agent@paris.example",
    )
    return provider


@pytest.fixture
def lyon():
    provider = make_provider(name="Lyon Domiciliation", centres=[("69003", "Lyon")])
    MembershipFactory(
        organization=provider.organization,
        role=Membership.Role.AGENT,
        user__email="agent@lyon.example",
    )
    return provider


@pytest.fixture
def company():
    return verified(UserFactory(username="paul@start.example", email="paul@start.example"))


@pytest.fixture
def admin(paris):
    return Membership.objects.get(organization=paris.organization, role="admin").user


@pytest.fixture
def agent(paris):
    return Membership.objects.get(organization=paris.organization, role="agent").user


@pytest.fixture(scope="session")
def seal_pem():
    return self_signed_seal("Portail – cachet de test")


@pytest.fixture(autouse=True)
def seal_settings(settings, seal_pem):
    certificate, key = seal_pem
    settings.CONTRACT_SEAL_CERTIFICATE = certificate.decode()
    settings.CONTRACT_SEAL_PRIVATE_KEY = key.decode()
    settings.CONTRACT_SEAL_DEVELOPMENT_FALLBACK = False
    settings.PAYMENT_PROVIDER = "simulated"


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture
def contract(company, paris, admin):
    """« Nouvelle Start », SIREN-less, signed on 11 January 2027 at Paris Domiciliation."""
    with time_machine.travel(at(START), tick=False):
        return running_contract(company, paris, admin)
