import re

from django.core import mail
from playwright.sync_api import expect

from accounts.models import Organization
from cesu_orders.models import Funder
from notifications.models import Notification

NEW_EMAIL = "ines.moreau@demo-industries.example"
NEW_PASSWORD = "Mon-nouveau-secret-2026"


def _demo_funder():
    organization = Organization.objects.get(name="Demo Industries")
    Funder.objects.get_or_create(
        organization=organization,
        defaults={
            "client_reference": "C100001",
            "legal_name": "Demo Industries",
            "siret": "73282932000074",
            "billing_address": "1 rue de la Paix",
            "billing_postcode": "75002",
            "billing_city": "Paris",
        },
    )


def test_the_primary_manager_adds_a_secondary_manager_who_logs_in(portal, demo):
    _demo_funder()
    page = portal.page

    portal.login("C100001")
    portal.goto("/cesu/gestionnaires/coordonnees/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordonnées")
    portal.assert_accessible()
    portal.screenshot("managers-profile")

    page.get_by_role("link", name="Voir tous les gestionnaires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestionnaires")
    expect(page.get_by_role("row", name=re.compile("C100001-02"))).to_contain_text("Actif")
    portal.assert_accessible()
    portal.screenshot("managers-list")

    page.get_by_role("link", name="Ajouter un gestionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajouter un gestionnaire")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Nom", exact=True).fill("Moreau")
    page.get_by_label("Adresse e-mail").fill(NEW_EMAIL)
    page.get_by_label("Téléphone mobile").fill("06 12 34 56 78")
    portal.assert_accessible()
    portal.screenshot("managers-form")
    page.get_by_role("button", name="Valider").click()

    expect(page).to_have_url(re.compile(r"/cesu/gestionnaires/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Le gestionnaire C100001-03 a été créé\u00a0; un e-mail lui a été envoyé"
    )
    expect(page.get_by_role("row", name=re.compile("C100001-03"))).to_contain_text("Inès Moreau")
    portal.assert_accessible()
    portal.screenshot("managers-list-created")

    [message] = [m for m in mail.outbox if m.to == [NEW_EMAIL]]
    body = message.body
    # The outbox keeps no copy of the temporary password once it is sent.
    notification = Notification.objects.get(recipient=NEW_EMAIL, event="cesu_manager_created")
    assert notification.body_text == ""
    assert notification.is_sensitive
    password = re.search("Mot de passe temporaire\u00a0: (\\S+)", body).group(1)

    page.get_by_role("button", name="Se déconnecter").click()
    portal.login("C100001-03", password)
    expect(page).to_have_url(re.compile(r"/compte/mot-de-passe/modifier/"))
    # The password typed a moment ago at login is not asked again.
    expect(page.get_by_label("Mot de passe actuel")).to_have_count(0)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe (confirmation)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Modifier le mot de passe").click()

    expect(page.get_by_text("Demo Industries · Gestionnaire secondaire")).to_be_visible()
    portal.goto("/cesu/gestionnaires/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
