import re

from playwright.sync_api import expect


def test_a_company_finds_a_provider_and_asks_for_an_offer(portal, demo):
    page = portal.page
    portal.goto("/")
    page.get_by_role("link", name="Consulter l’annuaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "L’annuaire national de la domiciliation"
    )
    expect(page.get_by_role("heading", name="Corse")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("directory-home")

    page.get_by_role("link", name="Île-de-France", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Domiciliation en Île-de-France")
    portal.assert_accessible()
    page.get_by_role("link", name="Paris (75)").first.click()
    expect(page).to_have_url(re.compile(r"/annuaire/departement/75/$"))
    expect(page).to_have_title(re.compile("Paris \\(75\\)"))
    portal.assert_accessible()
    portal.screenshot("directory-department")

    page.get_by_role("link", name="Demo Domiciliation Paris").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Domiciliation Paris")
    expect(page.get_by_text("n° DOM-75-2019-042")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("directory-provider")

    page.get_by_role("button", name="Ajouter à ma sélection").click()
    expect(page.get_by_role("link", name="Ma sélection (1)")).to_be_visible()

    page.get_by_role("link", name="Demander une offre", exact=True).click()
    # The first step; the file is created by the first answers posted, not by a visit.
    expect(page).to_have_url(
        re.compile(r"/domiciliation/demande/\?domiciliataire=demo-domiciliation-paris$")
    )
    expect(page.get_by_text("Demande d’offre auprès de")).to_contain_text(
        "Demo Domiciliation Paris"
    )


def test_a_visitor_searches_without_accents(portal, demo):
    page = portal.page
    portal.goto("/annuaire/")
    page.get_by_label("Rechercher un domiciliataire").fill("saint etienne")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="Loire (42)")).to_be_visible()
    expect(page.get_by_role("link", name="Forez Domiciliation EURL")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("directory-search")
