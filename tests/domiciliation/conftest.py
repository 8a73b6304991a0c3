"""The domiciliataires and the company every domiciliation test uses."""

import pytest

from accounts.models import Membership
from directory.models import Department, Region
from directory.reference import load_reference_data
from domiciliation.catalogue import ensure_default_contract_template, ensure_proof_types
from domiciliation.models import ContractTemplate, ProofType
from domiciliation.sealing import self_signed_seal
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import make_provider
from tests.domiciliation import stripe_api as stripe_standin
from tests.domiciliation.factories import verified


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
        role=Membership.Role.ADMIN,
        user__email="admin@lyon.example",
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
    """A throwaway sealing certificate and key, made with cryptography."""
    return self_signed_seal("Portail – cachet de test")


@pytest.fixture(autouse=True)
def seal_settings(settings, seal_pem):
    certificate, key = seal_pem
    settings.CONTRACT_SEAL_CERTIFICATE = certificate.decode()
    settings.CONTRACT_SEAL_PRIVATE_KEY = key.decode()
    settings.CONTRACT_SEAL_DEVELOPMENT_FALLBACK = False
    settings.PAYMENT_PROVIDER = "simulated"


@pytest.fixture
def migrated_data(transactional_db):
    """The data migrations' rows (départements, proof types, contract clauses), put back
    after an earlier transactional test flushed them."""
    if not Department.objects.exists():
        load_reference_data(Region, Department)
    ensure_proof_types(ProofType)
    ensure_default_contract_template(ContractTemplate)


@pytest.fixture
def stripe_api(settings):
    """The local stand-in of Stripe's API (tests/domiciliation/stripe_api.py), the
    settings pointing at it; yields the requests it received."""
    server = stripe_standin.start(settings)
    yield stripe_standin.FakeStripe.requests
    server.shutdown()
