"""Shared fixtures. The trio, as in healthchecks: alice owns organization A, bob is a
secondary member of A, charlie belongs to another organization B."""

import pytest

from accounts.models import Membership, Organization
from tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Alpha Conseil", kind=Organization.Kind.FUNDER)


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Bêta Services", kind=Organization.Kind.FUNDER)


@pytest.fixture
def alice(org_a):
    return MembershipFactory(
        user__username="alice@example.com", organization=org_a, role=Membership.Role.PRIMARY
    ).user


@pytest.fixture
def bob(org_a):
    return MembershipFactory(
        user__username="bob@example.com", organization=org_a, role=Membership.Role.SECONDARY
    ).user


@pytest.fixture
def charlie(org_b):
    return MembershipFactory(
        user__username="charlie@example.com", organization=org_b, role=Membership.Role.PRIMARY
    ).user
