import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Membership, Organization, TenantQuerySet
from accounts.services import MembershipError, membership_create
from accounts.tenancy import (
    SESSION_KEY,
    get_for_organization_or_404,
    organization_required,
    require_role,
)
from tests.accounts.factories import MembershipFactory, OrganizationFactory


def _request(user, membership=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.membership = membership
    request.organization = membership.organization if membership else None
    return request


def test_it_filters_rows_by_organization(org_a, org_b, alice, bob, charlie):
    # Membership carries an organization FK, which is all TenantQuerySet relies on.
    queryset = TenantQuerySet(model=Membership)
    assert {m.user for m in queryset.for_organization(org_a)} == {alice, bob}
    assert {m.user for m in queryset.for_organization(org_b)} == {charlie}
    assert list(queryset.for_organization(None)) == []


def test_it_gives_404_for_another_tenants_object(org_a, org_b, alice, charlie):
    charlie_membership = Membership.objects.get(user=charlie)
    queryset = TenantQuerySet(model=Membership)
    with pytest.raises(Http404):
        get_for_organization_or_404(queryset, org_a, pk=charlie_membership.pk)
    assert get_for_organization_or_404(queryset, org_b, pk=charlie_membership.pk) == (
        charlie_membership
    )


def test_it_gives_404_for_a_malformed_id(org_a):
    with pytest.raises(Http404):
        get_for_organization_or_404(TenantQuerySet(model=Membership), org_a, pk="pas-un-id")


def test_it_refuses_a_role_that_may_not_act(alice, bob):
    bob_membership = Membership.objects.get(user=bob)
    with pytest.raises(PermissionDenied):
        require_role(_request(bob, bob_membership), [Membership.Role.PRIMARY])
    alice_membership = Membership.objects.get(user=alice)
    assert require_role(_request(alice, alice_membership), ["primary"]) == alice_membership


def test_organization_required_refuses_another_kind_of_account(alice, db):
    provider_view = organization_required(kind=Organization.Kind.PROVIDER)(
        lambda request: HttpResponse("ok")
    )
    funder_view = organization_required(kind=Organization.Kind.FUNDER, roles=["primary"])(
        lambda request: HttpResponse("ok")
    )
    membership = Membership.objects.get(user=alice)
    with pytest.raises(PermissionDenied):
        provider_view(_request(alice, membership))
    with pytest.raises(PermissionDenied):
        funder_view(_request(alice, None))
    assert funder_view(_request(alice, membership)).status_code == 200


def test_it_refuses_a_role_that_does_not_fit_the_organization_kind(alice, org_a):
    provider = OrganizationFactory(kind=Organization.Kind.PROVIDER)
    with pytest.raises(MembershipError, match="Gestionnaire principal"):
        membership_create(user=alice, organization=provider, role="primary")
    assert membership_create(user=alice, organization=provider, role="admin").role == "admin"


def test_middleware_acts_for_the_first_organization_by_name(client, alice, org_a):
    zeta = OrganizationFactory(name="Zêta Mutuelle")
    MembershipFactory(user=alice, organization=zeta, role="secondary")
    client.force_login(alice)
    response = client.get(reverse("organization_list"))
    assert response.wsgi_request.organization == org_a
    assert response.wsgi_request.membership.role == "primary"
    assert "Alpha Conseil" in response.content.decode()


def test_it_switches_organization_and_keeps_the_choice(client, alice, org_a):
    zeta = OrganizationFactory(name="Zêta Mutuelle")
    MembershipFactory(user=alice, organization=zeta, role="secondary")
    client.force_login(alice)
    listing = client.get(reverse("organization_list")).content.decode()
    assert "Zêta Mutuelle – Gestionnaire secondaire" in listing

    response = client.post(reverse("organization_switch", args=[zeta.public_id]))

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(zeta.public_id)
    home = client.get(reverse("organization_list"))
    assert home.wsgi_request.organization == zeta
    assert "Zêta Mutuelle · Gestionnaire secondaire" in home.content.decode()


def test_it_gives_404_when_switching_to_an_organization_of_someone_else(client, alice, org_b):
    client.force_login(alice)
    response = client.post(reverse("organization_switch", args=[org_b.public_id]))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_it_ignores_an_inactive_membership(client, alice, org_a):
    Membership.objects.filter(user=alice).update(is_active=False)
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert response.wsgi_request.organization is None
    switch = client.post(reverse("organization_switch", args=[org_a.public_id]))
    assert switch.status_code == 404


def test_the_switch_only_accepts_post(client, alice, org_a):
    client.force_login(alice)
    assert client.get(reverse("organization_switch", args=[org_a.public_id])).status_code == 405
