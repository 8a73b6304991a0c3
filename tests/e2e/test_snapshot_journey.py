"""The company corrects its file while the domiciliataire has not decided: the
domiciliataire sees when and what changed (issue « Integrity and security », finding 1).
Desktop and phone."""

import re

from playwright.sync_api import expect

from domiciliation.models import Case

PHONE = {"width": 390, "height": 844}


def test_a_correction_in_s1_is_shown_to_the_domiciliataire(portal, demo):
    page = portal.page
    case = Case.objects.get(client_file__company_name="Rousseau Conseil")
    portal.login("client@demo.example")

    portal.goto(f"/domiciliation/dossier/{case.client_file.public_id}/etape/1/")
    expect(page.get_by_role("heading", level=2)).to_have_text("L’entreprise")
    page.get_by_label("Dénomination").fill("Demo Start Corrigée")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Le représentant légal")
    with page.expect_navigation():
        page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()

    portal.login("domiciliataire@demo.example")
    portal.goto("/domiciliataire/dossiers/?statut=S1")
    page.get_by_role("link", name="Demo Start Corrigée").click()
    expect(page).to_have_url(re.compile(r"/domiciliataire/dossiers/[0-9a-f-]+/$"))
    expect(page.get_by_text("Le dossier a été modifié par le client le")).to_be_visible()
    expect(page.get_by_text("Dossier modifié par le client : dénomination")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("snapshot-provider-case")

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    portal.assert_accessible()
    portal.screenshot("snapshot-provider-case-phone")


def test_the_first_step_creates_nothing_until_answered(portal, demo):
    page = portal.page
    page.set_viewport_size(PHONE)
    portal.goto("/annuaire/domiciliataire/demo-domiciliation-paris/")
    page.get_by_role("link", name="Demander une offre", exact=True).click()
    expect(page.get_by_role("heading", level=2)).to_have_text("L’entreprise")
    expect(page.get_by_text("Demande d’offre auprès de")).to_contain_text(
        "Demo Domiciliation Paris"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    portal.assert_accessible()
    portal.screenshot("request-step-1-phone")
