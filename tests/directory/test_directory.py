"""The public directory, the selection, the provider's own profile and staff review."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from accounts.models import Membership
from common.text import search_key
from directory.models import Provider, ProviderCentre
from directory.selectors import clean_query, directory_search
from directory.services.profiles import (
    ReviewError,
    provider_approve,
    provider_refuse,
    provider_save,
)
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import ProviderOrganizationFactory, make_provider

pytestmark = pytest.mark.django_db


def test_search_keys_ignore_accents_case_and_punctuation():
    assert search_key("Saint-Étienne") == "saint etienne"
    assert search_key("  L’Isle-sur-la-Sorgue ") == "l isle sur la sorgue"
    assert clean_query("saint etienne") == "saint etienne"
    assert clean_query("") is None
    assert clean_query("%%%$$$") is None
    assert clean_query("x" * 101) is None


def test_search_finds_centres_by_city_postcode_departement_and_name():
    forez = make_provider(name="Forez Domiciliation", centres=[("42000", "Saint-Étienne")])
    make_provider(name="Paris Bureaux", centres=[("75002", "Paris")])
    make_provider(name="Hidden Etienne", listed=False, centres=[("42100", "Saint-Étienne")])
    for query in ["saint etienne", "SAINT-ÉTIENNE", "42000", "42", "loire", "forez"]:
        results = directory_search(clean_query(query))
        assert [c.provider for centres in results.groups.values() for c in centres] == [forez], (
            query
        )


def test_the_search_page_never_fails_on_bad_queries(client):
    for query in ["", "%%%", "x" * 500, "'; DROP TABLE", "\u0000"]:
        response = client.get(reverse("directory:search"), {"q": query})
        assert response.status_code == 200
    page = client.get(reverse("directory:search"), {"q": "x" * 500}).content.decode()
    assert "100 caractères au plus" in page


def test_the_home_lists_regions_with_counts_in_constant_queries(
    client, django_capture_on_commit_callbacks
):
    make_provider(name="Paris Un", centres=[("75002", "Paris"), ("75008", "Paris")])
    make_provider(name="Paris Deux", centres=[("75005", "Paris")])
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("directory:home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(30):
            make_provider(name=f"Bulk {index}", centres=[("69003", "Lyon")])
    with CaptureQueriesContext(connection) as many:
        later = client.get(reverse("directory:home")).content.decode()
    with CaptureQueriesContext(connection) as cached:
        client.get(reverse("directory:home"))
    # Each new profile forgot the counts: counted again once, then read from the cache.
    assert len(few) == len(many) <= 5
    assert len(cached) == len(many) - 1
    assert 'Lyon</a> <span class="hint">30 domiciliataires</span>' not in page
    assert 'Rhône (69)</a> <span class="hint">30 domiciliataires</span>' in later
    assert 'Paris (75)</a> <span class="hint">2 domiciliataires</span>' in page
    assert "Corse-du-Sud (2A)" in page
    assert "Mayotte (976)" in page
    assert '<link rel="canonical"' in page
    assert '<meta name="description"' in page


def test_a_departement_page_lists_providers_by_name_with_filters(client):
    make_provider(name="Zeta", centres=[("75002", "Paris")], price_from=Decimal("40.00"))
    make_provider(name="Alpha", centres=[("75005", "Paris")], phone=True)
    make_provider(name="Elsewhere", centres=[("69003", "Lyon")])
    url = reverse("directory:department", args=["75"])
    page = client.get(url).content.decode()
    assert page.index("Alpha") < page.index("Zeta")
    assert "Elsewhere" not in page
    assert "Zeta" not in client.get(url, {"service": "phone"}).content.decode()
    assert "Zeta" not in client.get(url, {"prix_max": "30"}).content.decode()
    assert "Zeta" in client.get(url, {"prix_max": "abc", "service": "bogus"}).content.decode()
    region = client.get(reverse("directory:region", args=["ile-de-france"])).content.decode()
    assert "Alpha" in region
    assert "Elsewhere" not in region


def test_list_pages_cost_constant_queries(client, django_capture_on_commit_callbacks):
    make_provider(name="Seul", centres=[("75002", "Paris")])
    url = reverse("directory:department", args=["75"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(40):
            make_provider(name=f"P{index:02d}", centres=[("75002", "Paris"), ("75011", "Paris")])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(few) == len(many) <= 6
    assert "Page 1 sur 3" in page


@pytest.mark.parametrize(
    "url",
    [
        "/annuaire/atlantide/",
        "/annuaire/departement/99/",
        "/annuaire/departement/20/",
        "/annuaire/domiciliataire/inconnu/",
    ],
)
def test_unknown_places_and_profiles_are_a_french_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_an_unlisted_profile_is_seen_only_by_its_provider_and_staff(client):
    provider = make_provider(name="Pas encore", listed=False)
    url = reverse("directory:provider", args=[provider.slug])
    assert client.get(url).status_code == 404
    admin = MembershipFactory(organization=provider.organization, role=Membership.Role.ADMIN).user
    client.force_login(admin)
    assert "Aperçu" in client.get(url).content.decode()
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200


def test_the_profile_shows_the_approved_legal_values_until_reapproved(client):
    provider = make_provider(name="Alpha Domiciliation")
    provider.legal_name = "Nouvelle Raison SAS"
    provider.trade_name = "Imposteur"
    provider.approval_number = "DOM-75-2026-999"
    provider.description = "Nouvelle présentation"
    provider_save(
        provider=provider, changed=["legal_name", "trade_name", "approval_number", "description"]
    )
    provider.refresh_from_db()
    assert provider.status == Provider.Status.PENDING
    assert provider.is_listed
    page = client.get(reverse("directory:provider", args=[provider.slug])).content.decode()
    assert "Alpha Domiciliation SAS" in page
    assert "DOM-75-2020-001" in page
    assert "Nouvelle Raison" not in page
    assert "Imposteur" not in page
    assert not directory_search("imposteur")
    assert "Nouvelle présentation" in page  # Other fields change at once.
    provider_approve(provider=provider, reviewer=UserFactory(is_staff=True))
    page = client.get(reverse("directory:provider", args=[provider.slug])).content.decode()
    assert "Nouvelle Raison SAS" in page
    assert "Demander une offre" in page
    assert f"/domiciliation/demande/?domiciliataire={provider.slug}" in page


def test_approval_and_refusal_email_the_providers_admins(django_capture_on_commit_callbacks):
    provider = make_provider(name="Beta", listed=False)
    admin = MembershipFactory(
        organization=provider.organization,
        role=Membership.Role.ADMIN,
        user__email="chef@beta.example",
    ).user
    MembershipFactory(organization=provider.organization, role=Membership.Role.AGENT)
    staff = UserFactory(is_staff=True)
    provider.status = Provider.Status.PENDING
    provider.save()
    with django_capture_on_commit_callbacks(execute=True):
        provider_refuse(provider=provider, reviewer=staff, reason="Agrément expiré")
    (message,) = mail.outbox
    assert message.to == [admin.email]
    assert message.subject == "Votre fiche «\u00a0Beta\u00a0» n’a pas été validée"
    assert "Agrément expiré" in message.body
    with pytest.raises(ReviewError):
        provider_approve(provider=provider, reviewer=staff)  # Not pending any more.
    provider.status = Provider.Status.PENDING
    provider.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        provider_approve(provider=provider, reviewer=staff)
    assert mail.outbox[0].subject == "Votre fiche «\u00a0Beta\u00a0» est publiée dans l’annuaire"
    assert Provider.objects.get(pk=provider.pk).is_listed


def test_the_selection_is_kept_in_the_session_and_shown_in_the_header(client):
    alpha = make_provider(name="Alpha")
    beta = make_provider(name="Beta", listed=False)
    client.post(reverse("directory:selection_add", args=[alpha.slug]))
    assert client.post(reverse("directory:selection_add", args=[beta.slug])).status_code == 404
    page = client.get(reverse("directory:home")).content.decode()
    assert "Ma sélection (1)" in page
    page = client.get(reverse("directory:selection")).content.decode()
    assert "Alpha" in page
    assert "/domiciliation/demande/?selection=1" in page
    client.post(reverse("directory:selection_remove", args=[alpha.slug]))
    assert "Ma sélection (" not in client.get(reverse("directory:home")).content.decode()
    response = client.post(
        reverse("directory:selection_add", args=[alpha.slug]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("directory:provider", args=[alpha.slug])


def test_the_sitemap_lists_places_and_listed_profiles(client):
    alpha = make_provider(name="Alpha")
    hidden = make_provider(name="Hidden", listed=False)
    xml = client.get("/sitemap.xml").content.decode()
    assert "/annuaire/ile-de-france/" in xml
    assert "/annuaire/departement/2A/" in xml
    assert f"/annuaire/domiciliataire/{alpha.slug}/" in xml
    assert hidden.slug not in xml


# The provider's own profile


def _png(size=(800, 600)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, "navy").save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def provider_admin():
    organization = ProviderOrganizationFactory()
    return MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user


def _profile_data(**changes):
    return {
        "legal_name": "Gamma SAS",
        "trade_name": "Gamma",
        "siren": "552 100 554",
        "approval_number": "DOM-13-2024-001",
        "approval_date": "2024-02-01",
        "description": "Centre d’affaires",
        "mail_scan": "on",
        "price_from": "19.90",
        "min_contract_months": "3",
        **changes,
    }


def test_a_provider_admin_builds_and_submits_its_profile(client, provider_admin):
    client.force_login(provider_admin)
    url = reverse("directory_provider:profile")
    assert client.get(url).status_code == 200
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = client.post(url, {**_profile_data(), "logo_upload": logo})
    assert response.status_code == 302
    provider = Provider.objects.get()
    assert provider.siren == "552100554"
    assert provider.slug == "gamma"
    with Image.open(provider.logo) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) == 400
    response = client.post(reverse("directory_provider:submit"), follow=True)
    assert "Ajoutez au moins un centre" in response.content.decode()
    response = client.post(
        reverse("directory_provider:centre_create"),
        {
            "name": "Vieux-Port",
            "address": "1 quai du Port",
            "postcode": "99999",
            "city": "Marseille",
        },
    )
    assert "code postal français" in response.content.decode()
    client.post(
        reverse("directory_provider:centre_create"),
        {
            "name": "Vieux-Port",
            "address": "1 quai du Port",
            "postcode": "13002",
            "city": "Marseille",
        },
    )
    assert ProviderCentre.objects.get().department.code == "13"
    client.post(reverse("directory_provider:submit"))
    assert Provider.objects.get().status == Provider.Status.PENDING
    logo_url = reverse("directory:provider_logo", args=["gamma"])
    assert client.get(logo_url)["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"siren": "123456789"}, "Saisissez un numéro SIREN valide"),
        ({"min_contract_months": "2"}, "au moins 3 mois"),
        ({"approval_number": ""}, "Ce champ est obligatoire"),
        ({"price_from": "-5"}, "supérieure ou égale à 0"),
    ],
)
def test_bad_profile_values_are_refused_next_to_the_field(client, provider_admin, changes, message):
    client.force_login(provider_admin)
    response = client.post(reverse("directory_provider:profile"), _profile_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Provider.objects.exists()


def test_a_fake_or_huge_logo_is_refused(client, provider_admin):
    client.force_login(provider_admin)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(
        reverse("directory_provider:profile"), {**_profile_data(), "logo_upload": fake}
    )
    assert "Ce fichier n’est pas accepté" in response.content.decode()
    assert not Provider.objects.exists()


def test_agents_and_funders_cannot_edit_a_profile(client, alice):
    agent = MembershipFactory(
        organization=ProviderOrganizationFactory(), role=Membership.Role.AGENT
    ).user
    for user in (agent, alice):
        client.force_login(user)
        assert client.get(reverse("directory_provider:profile")).status_code == 403


def test_another_providers_centre_is_a_404(client, provider_admin):
    other = make_provider(name="Autre")
    centre = other.centres.get()
    client.force_login(provider_admin)
    for name, method in [("centre_update", "get"), ("centre_delete", "post")]:
        url = reverse(f"directory_provider:{name}", args=[centre.public_id])
        assert getattr(client, method)(url).status_code == 404
    assert ProviderCentre.objects.filter(pk=centre.pk).exists()
    own = make_provider(name="Mien", organization=provider_admin.memberships.get().organization)
    url = reverse("directory_provider:centre_update", args=[own.centres.get().public_id])
    page = client.get(url).content.decode()
    assert "«INVALID" not in page
    assert client.get(reverse("directory_provider:profile")).status_code == 200


def test_public_pages_render_without_unknown_variables(client):
    provider = make_provider(name="Rendu", centres=[("75002", "Paris"), ("20000", "Ajaccio")])
    client.post(reverse("directory:selection_add", args=[provider.slug]))
    for url in [
        reverse("directory:home"),
        reverse("directory:region", args=["corse"]),
        reverse("directory:department", args=["2A"]),
        reverse("directory:provider", args=[provider.slug]),
        reverse("directory:search") + "?q=ajaccio",
        reverse("directory:selection"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "«INVALID" not in response.content.decode(), url
        assert "Rendu" in response.content.decode() or url == reverse("directory:home")


def test_forged_filters_and_damaged_logos_never_fail(client, provider_admin):
    make_provider(name="Alpha", centres=[("75002", "Paris")])
    url = reverse("directory:department", args=["75"])
    for price in ["9e999999", "-1", "NaN", "1" * 50]:
        response = client.get(url, {"prix_max": price})
        assert response.status_code == 200
        assert "Alpha" in response.content.decode()
    client.force_login(provider_admin)
    truncated = _jpeg()[:400]
    for content, name in [(truncated, "logo.jpg"), (_png((6000, 6000)), "huge.png")]:
        upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
        response = client.post(
            reverse("directory_provider:profile"), {**_profile_data(), "logo_upload": upload}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "illisible ou endommagé" in page or "trop grande" in page
    assert Provider.objects.count() == 1  # Alpha only: nothing saved for the admin.


def _jpeg() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (300, 300), "teal").save(output, format="JPEG")
    return output.getvalue()


def test_staff_without_change_permission_cannot_refuse(client):
    provider = make_provider(name="Gardée", listed=False)
    provider.status = Provider.Status.PENDING
    provider.save()
    client.force_login(UserFactory(is_staff=True))
    response = client.post(f"/admin/directory/provider/{provider.pk}/refuser/", {"reason": "x"})
    assert response.status_code == 403
    assert Provider.objects.get(pk=provider.pk).status == Provider.Status.PENDING
