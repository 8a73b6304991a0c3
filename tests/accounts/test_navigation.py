"""The menus follow the product documents' paths, and the icon browsers ask for exists."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from tests.accounts.factories import MembershipFactory
from tests.cesu_orders.factories import FunderFactory

pytestmark = pytest.mark.django_db


def _nav(page: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', page, re.DOTALL).group()


@pytest.fixture
def primary(org_a):
    FunderFactory(organization=org_a)
    return MembershipFactory(organization=org_a, role="primary").user


@pytest.fixture
def secondary(org_a, primary):
    return MembershipFactory(organization=org_a, role="secondary").user


def test_donnees_financeur_leads_to_beneficiaires(client, primary):
    client.force_login(primary)
    nav = _nav(client.get(reverse("cesu_orders:beneficiary_list")).content.decode())
    beneficiaries = reverse("cesu_orders:beneficiary_list")
    assert f'<a href="{beneficiaries}" aria-current="true">Données financeur</a>' in nav
    assert f'<a href="{beneficiaries}" aria-current="page">Bénéficiaires</a>' in nav


def test_espace_commandes_leads_to_commandes(client, primary):
    client.force_login(primary)
    nav = _nav(client.get(reverse("cesu_orders:home")).content.decode())
    assert "Espace Commandes</a>" in nav
    assert f'<a href="{reverse("cesu_orders:order_list")}">Commandes</a>' in nav


def test_profil_gestionnaire_coordonnees_offers_ajouter_un_gestionnaire(client, primary):
    client.force_login(primary)
    page = client.get(reverse("cesu_orders:profile_edit")).content.decode()
    nav = _nav(page)
    assert "Profil gestionnaire</a>" in nav
    assert "Coordonnées</a>" in nav
    assert "Gestionnaires</a>" in nav
    create = reverse("cesu_orders:manager_create")
    assert f'<a class="button" href="{create}">Ajouter un gestionnaire</a>' in page


def test_a_secondary_manager_gets_neither_the_managers_nor_the_button(client, secondary):
    client.force_login(secondary)
    page = client.get(reverse("cesu_orders:profile_edit")).content.decode()
    assert "Coordonnées</a>" in _nav(page)
    assert "Gestionnaires</a>" not in _nav(page)
    assert "Ajouter un gestionnaire" not in page


def test_favicon_ico_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    path = finders.find(response.url.removeprefix("/static/"))
    assert path is not None
    with Image.open(path) as icon:
        assert icon.format == "ICO"


def test_the_registration_links_to_the_terms_of_use_it_asks_to_accept(client, db):
    page = client.get(reverse("cesu_orders:registration")).content.decode()
    terms = f"{reverse('legal_notice')}#conditions-utilisation"
    assert f'<a href="{terms}" target="_blank">Lire les conditions d’utilisation' in page
    notice = client.get(reverse("legal_notice")).content.decode()
    assert '<h2 id="conditions-utilisation">Conditions d’utilisation</h2>' in notice
