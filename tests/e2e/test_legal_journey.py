"""The domiciliataire's legal obligations in the browser, over the demo data: the
admin opens « Déclarations » from the dashboard, downloads the latest list, records its
sending; then reviews the vigilance of the demo's running contract (a new assessment).
Every page through axe, at 1366 and 390 pixels wide."""

import re

from playwright.sync_api import expect

from domiciliation.models import Contract, Declaration

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _check(portal, name: str) -> None:
    page = portal.page
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        portal.assert_accessible()
        portal.screenshot(f"legal-{name}-{label}")
        if label == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    page.set_viewport_size(DESKTOP)


def test_the_admin_sends_a_declaration_and_reviews_a_clients_vigilance(portal, demo):
    page = portal.page
    portal.login("domiciliataire@demo.example")
    portal.goto("/domiciliataire/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Déclarations"
    ).click()
    expect(page.get_by_role("heading", name="Déclarations", level=1)).to_be_visible()
    _check(portal, "declarations")

    row = page.get_by_role("row").filter(has_text="En retard").first
    label = row.get_by_role("link").inner_text()
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name=label, level=1)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Liste (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    _check(portal, "declaration")
    page.get_by_label("Par").select_option(label="Dépôt en ligne (espace professionnel)")
    page.get_by_role("button", name="Enregistrer l’envoi").click()
    expect(page.get_by_role("status")).to_contain_text("envoi enregistré")
    expect(page.get_by_text(re.compile("Envoyée le .* par dépôt en ligne"))).to_be_visible()
    assert Declaration.objects.filter(status="sent").count() == 2

    contract = Contract.objects.get(company_name="Atelier Rousseau")
    portal.goto(f"/domiciliataire/dossiers/{contract.case.public_id}/vigilance/")
    expect(page.get_by_role("heading", name=re.compile("Dernière évaluation"))).to_be_visible()
    page.get_by_label("Lien avec un pays à risque (liste du GAFI ou de l’Union européenne)").check()
    page.get_by_label("Activité utilisant beaucoup d’espèces").check()
    page.get_by_role("button", name="Enregistrer l’évaluation").click()
    expect(page.get_by_role("status")).to_contain_text("risque élevé")
    expect(page.get_by_text("Évaluations précédentes")).to_be_visible()
    _check(portal, "vigilance")
    assert contract.case.assessments.count() == 2
