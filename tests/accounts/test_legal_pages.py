"""The pages for people: the legal notice and the accessibility statement, public."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_legal_notice_names_the_publisher_the_host_and_the_cookies(client, settings):
    settings.LEGAL_NOTICE = {**settings.LEGAL_NOTICE, "host": "Hébergeur Test SAS, Lille"}
    settings.SESSION_COOKIE_AGE = 1800
    page = client.get(reverse("legal_notice")).content.decode()
    assert settings.CESU_ISSUER["name"] in page
    assert f"SIREN {settings.CESU_ISSUER['siren']}" in page
    assert "Hébergeur Test SAS, Lille" in page
    assert "30&nbsp;minutes d’inactivité" in page
    assert settings.LEGAL_NOTICE["privacy_email"] in page


def test_the_accessibility_statement_follows_the_rgaa_form(client, settings):
    page = client.get(reverse("accessibility")).content.decode()
    for section in [
        "État de conformité",
        "non conforme",
        "Résultats des tests",
        # What the sweeps of tests/e2e check today, stated with its date.
        "Résultats au 4&nbsp;décembre 2026",
        "sur un écran de 1&nbsp;366&nbsp;pixels comme sur un téléphone de 390&nbsp;pixels",
        "aucune page plus large qu’un écran de téléphone",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Retour d’information et contact",
        "Voies de recours",
        "Défenseur des droits",
        settings.LEGAL_NOTICE["accessibility_email"],
    ]:
        assert section in page, section


def test_every_page_links_to_both_from_its_footer(client):
    page = client.get(reverse("landing")).content.decode()
    assert f'href="{reverse("legal_notice")}"' in page
    assert "Accessibilité&nbsp;: non conforme" in page
