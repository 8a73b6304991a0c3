"""From the landing page through the three guides into the questionnaire, with axe at
each page and screenshots at 1366 and 390 px."""

import re

from playwright.sync_api import expect

from tests.domiciliation.factories import pdf_bytes

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def look(portal, name):
    """axe and a screenshot at both widths."""
    for size, suffix in ((DESKTOP, "1366"), (PHONE, "390")):
        portal.page.set_viewport_size(size)
        portal.assert_accessible()
        portal.screenshot(f"guides/{name}-{suffix}")
    portal.page.set_viewport_size(DESKTOP)


def test_the_standard_contract_from_the_landing_page(portal, demo):
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.goto("/")
    page.get_by_role("link", name="Le contrat standard de domiciliation").click()
    expect(page).to_have_title(re.compile("^Le contrat standard de domiciliation"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Le contrat standard de domiciliation"
    )
    expect(page.get_by_role("heading", name="Article 7 – Convention de preuve")).to_be_visible()
    look(portal, "standard-contract")
    page.get_by_role("link", name="Demander une offre").click()
    expect(page).to_have_url(re.compile(r"/domiciliation/demande/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande de domiciliation")


def test_the_virtual_mailbox_preselects_its_options(portal, demo):
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.goto("/")
    page.get_by_role("link", name="Boîte postale virtuelle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boîte postale virtuelle")
    expect(page.get_by_role("link", name="Demo Domiciliation Paris").first).to_be_visible()
    look(portal, "virtual-mailbox")
    page.get_by_role("link", name="Demander une offre").click()
    expect(page).to_have_url(re.compile(r"option=mail_scan&option=forwarding$"))
    expect(page.get_by_text("Services demandés")).to_be_visible()
    page.get_by_label("Déjà immatriculée").check()
    page.get_by_label("Forme juridique").select_option(label="SAS")
    page.get_by_label("Dénomination").fill("Courrier Numérique")
    page.get_by_label("SIREN").fill("732829320")
    page.get_by_label("Activité").fill("Conseil")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_role("heading", name="Le représentant légal")).to_be_visible()
    page.get_by_role("link", name="4. Services et courrier").click()
    expect(page.get_by_label("Boîte postale virtuelle / scan du courrier")).to_be_checked()
    expect(page.get_by_label("Réexpédition du courrier")).to_be_checked()
    expect(page.get_by_label("Permanence téléphonique")).not_to_be_checked()
    look(portal, "virtual-mailbox-questionnaire")


def test_company_creation_opens_the_questionnaire_in_creation_mode(portal, demo):
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.goto("/")
    page.get_by_role("link", name="Créer son entreprise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Créer son entreprise avec une domiciliation"
    )
    look(portal, "company-creation")
    page.get_by_role("link", name="Demander une offre pour une entreprise en création").click()
    expect(page).to_have_url(re.compile(r"situation=creation$"))
    expect(page.get_by_label("En cours de création")).to_be_checked()
    look(portal, "company-creation-questionnaire")


def test_a_provider_profile_leads_to_its_clauses(portal, demo):
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.goto("/annuaire/")
    expect(page.get_by_role("navigation", name="Guides de la domiciliation")).to_be_visible()
    portal.goto("/annuaire/domiciliataire/demo-domiciliation-paris/")
    expect(page.get_by_text("utilise le contrat standard de domiciliation")).to_be_visible()
    page.get_by_role("link", name="Lire les clauses du contrat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Contrat de domiciliation de Demo Domiciliation Paris"
    )
    look(portal, "provider-clauses")
    page.get_by_role("link", name="Demander une offre").click()
    expect(page).to_have_url(re.compile(r"domiciliataire=demo-domiciliation-paris$"))


def test_the_company_sends_its_kbis_and_the_provider_stops_waiting(portal, demo, tmp_path):
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.login("domiciliataire@demo.example")
    portal.goto("/domiciliataire/contrats/")
    page.get_by_role("link", name=re.compile("doit encore son Kbis")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kbis attendus")
    expect(page.get_by_role("link", name="Atelier Rousseau")).to_be_visible()
    look(portal, "provider-kbis-awaited")

    page.context.clear_cookies()
    portal.login("client@demo.example")
    portal.goto("/domiciliation/")
    page.get_by_role("link", name=re.compile("^Mon contrat")).first.click()
    expect(page.get_by_role("heading", name="Envoyer mon Kbis")).to_be_visible()
    look(portal, "company-kbis-form")
    kbis = tmp_path / "kbis.pdf"
    kbis.write_bytes(pdf_bytes())
    page.get_by_label("Numéro SIREN").fill("732 829 320")
    page.get_by_label("Extrait Kbis").set_input_files(kbis)
    page.get_by_role("button", name="Envoyer mon Kbis").click()
    expect(page.get_by_text("Votre Kbis et votre SIREN sont transmis")).to_be_visible()
    expect(page.get_by_text(re.compile("Kbis et SIREN transmis le"))).to_be_visible()

    page.context.clear_cookies()
    portal.login("domiciliataire@demo.example")
    portal.goto("/domiciliataire/contrats/kbis-attendus/")
    expect(page.get_by_text("Aucune entreprise ne vous doit son Kbis.")).to_be_visible()
