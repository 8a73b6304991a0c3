import re

from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from notifications.models import Notification
from tests.cesu_orders.factories import FunderFactory, InvoiceFactory

NEW_PASSWORD = "Mon-espace-CESU-2026"


def test_a_funder_registers_online_then_chooses_its_password(portal, transactional_db):
    funder = FunderFactory(
        client_reference="C400001",
        legal_name="Gamma Industrie",
        contact_email="ines.lefebvre@example.com",
    )
    invoices = InvoiceFactory.create_batch(3, organization=funder.organization)
    page = portal.page

    portal.goto("/cesu/inscription/")
    expect(page.get_by_role("heading", level=1)).to_have_text("S’inscrire en ligne")
    page.get_by_label("Référence client", exact=True).fill("c400001")
    page.get_by_label("Numéro de l’une de vos trois dernières factures").fill(invoices[0].number)
    page.get_by_label("Montant TTC de cette facture (€)").fill("1\u202f200,00")
    page.get_by_label("Nom du gestionnaire", exact=True).fill("Lefebvre")
    page.get_by_label("Prénom du gestionnaire").fill("Inès")
    page.get_by_label("Adresse e-mail").fill("ines.lefebvre@example.com")
    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    page.get_by_label("J’accepte les conditions d’utilisation du service").check()
    portal.assert_accessible()
    portal.screenshot("registration-form")

    page.get_by_role("button", name="S’inscrire").click()
    expect(page).to_have_url(re.compile(r"/cesu/inscription/envoyee/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription confirmée")
    portal.assert_accessible()
    portal.screenshot("registration-done")

    [message] = [m for m in mail.outbox if "C400001" in m.body]
    body = message.body
    assert Notification.objects.get(event="cesu_registration_approved").body_text == ""
    password = re.search(r"Mot de passe temporaire\s*:\s*(\S+)", body).group(1)
    portal.login("C400001", password)
    expect(page).to_have_url(re.compile(r"/compte/mot-de-passe/modifier/"))
    portal.assert_accessible()
    portal.screenshot("registration-password-change")

    # The temporary password typed a moment ago at login is not asked again.
    expect(page.get_by_label("Mot de passe actuel")).to_have_count(0)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe (confirmation)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Modifier le mot de passe").click()

    expect(page).to_have_url(re.compile(r"/(espace|cesu)/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    portal.screenshot("registration-home")
    assert User.objects.get(username="C400001").must_change_password is False


def test_a_request_that_does_not_match_shows_one_generic_message(portal, transactional_db):
    FunderFactory(client_reference="C400002")
    page = portal.page

    portal.goto("/cesu/inscription/")
    page.get_by_label("Référence client", exact=True).fill("C400002")
    page.get_by_label("Numéro de l’une de vos trois dernières factures").fill("F-INCONNUE")
    page.get_by_label("Montant TTC de cette facture (€)").fill("1200")
    page.get_by_label("Nom du gestionnaire", exact=True).fill("Lefebvre")
    page.get_by_label("Prénom du gestionnaire").fill("Inès")
    page.get_by_label("Adresse e-mail").fill("ines.lefebvre@example.com")
    page.get_by_label("Téléphone", exact=True).fill("0612345678")
    page.get_by_label("J’accepte les conditions d’utilisation du service").check()
    page.get_by_role("button", name="S’inscrire").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Nous n’avons pas pu vérifier votre inscription avec ces informations."
    )
    portal.assert_accessible()
    portal.screenshot("registration-not-verified")
    assert not User.objects.exists()
