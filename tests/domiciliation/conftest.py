"""The domiciliataires and the company every domiciliation test uses."""

import pytest

from accounts.models import Membership
from tests.directory.factories import make_provider
from tests.domiciliation.helpers import verified
from tests.factories import MembershipFactory, UserFactory


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
