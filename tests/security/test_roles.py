"""The role matrix: every private page of a space, opened by each kind of user. A role
the page is not for gets a 403 that says so; the roles it is for get the page."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.cesu_orders.factories import FunderFactory
from tests.directory.factories import make_provider
from tests.test_url_sweep import PUBLIC, _has_arguments, _routes

PRIMARY, SECONDARY = Membership.Role.PRIMARY, Membership.Role.SECONDARY
ADMIN, AGENT = Membership.Role.ADMIN, Membership.Role.AGENT
ROLES = ["primary", "secondary", "admin", "agent", "company"]

# Who each space is for; the pages below are narrower than their space.
SPACES = {
    "cesu_orders:": {"primary", "secondary"},
    "domiciliation_provider:": {"admin", "agent"},
    "mail_provider:": {"admin", "agent"},
    "directory_provider:": {"admin"},
}
NARROWER = {
    "cesu_orders:manager_list": {"primary"},
    "cesu_orders:manager_create": {"primary"},
    # Secondary managers generate and download the attestations; sending is the
    # primary manager's.
    "cesu_orders:attestations_send": {"primary"},
    "domiciliation_provider:team": {"admin"},
    "domiciliation_provider:own_phone": {"admin"},
    "domiciliation_provider:contract_clauses": {"admin"},
    "domiciliation_provider:declarations": {"admin"},
}


def _allowed(name: str) -> set[str]:
    if name in NARROWER:
        return NARROWER[name]
    return next(roles for prefix, roles in SPACES.items() if name.startswith(prefix))


PAGES = sorted(
    name
    for name, pattern in _routes().items()
    if name.startswith(tuple(SPACES)) and name not in PUBLIC and not _has_arguments(pattern)
)


@pytest.fixture
def users(db):
    funder = FunderFactory()
    provider = make_provider(name="Rôles Domiciliation")
    return {
        "primary": MembershipFactory(organization=funder.organization, role=PRIMARY).user,
        "secondary": MembershipFactory(organization=funder.organization, role=SECONDARY).user,
        "admin": MembershipFactory(organization=provider.organization, role=ADMIN).user,
        "agent": MembershipFactory(organization=provider.organization, role=AGENT).user,
        "company": UserFactory(),
    }


@pytest.mark.parametrize("name", PAGES)
def test_each_role_gets_its_pages_and_a_403_elsewhere(client, users, name):
    url = reverse(name)
    allowed = _allowed(name)
    client.force_login(users[next(iter(allowed))])
    method = "post" if client.get(url).status_code == 405 else "get"
    for role in ROLES:
        client.force_login(users[role])
        response = getattr(client, method)(url)
        if role in allowed:
            assert response.status_code in {200, 302, 400}, (role, response.status_code)
        else:
            assert response.status_code == 403, (role, response.status_code)
            assert "Accès refusé" in response.content.decode()


# The declarations of a period (its code in the URL, not an object id): admins only.
PERIOD_PAGES = [
    "domiciliation_provider:declaration_detail",
    "domiciliation_provider:declaration_pdf",
    "domiciliation_provider:declaration_csv",
    "domiciliation_provider:declaration_sent",
]


@pytest.mark.parametrize("name", PERIOD_PAGES)
def test_a_declaration_is_for_the_admins_only(client, users, name):
    url = reverse(name, args=["trimestre-2025-1"])
    method = "post" if name.endswith("_sent") else "get"
    for role in ROLES:
        client.force_login(users[role])
        response = getattr(client, method)(url)
        if role == "admin":
            assert response.status_code in {200, 400}, (role, response.status_code)
        else:
            assert response.status_code == 403, (role, response.status_code)
