import re

from playwright.sync_api import expect

from cesu_orders.models import Beneficiary


def _fill_beneficiary(page, *, last_name, first_name, employee_number):
    page.get_by_label("Civilité").select_option("Madame")
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label("Prénom").fill(first_name)
    page.get_by_label("Date de naissance").fill("1992-05-14")
    page.get_by_label("Adresse e-mail").fill("celine.dupuis@demo-industries.example")
    page.get_by_label("Téléphone mobile").fill("06 12 34 56 78")
    page.get_by_label("Adresse postale").fill("8 quai Saint-Antoine")
    page.get_by_label("Code postal").fill("69002")
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_label("Matricule").fill(employee_number)
    page.get_by_label("Type de CESU").select_option("e-CESU")
    page.get_by_label("Valeur faciale").select_option("15,00\u00a0€")
    page.get_by_label("Part patronale").fill("50")
    page.get_by_label("Nombre de carnets").fill("2")
    page.get_by_label("Titres par carnet").select_option("10 titres")


def test_a_manager_adds_a_beneficiary_then_meets_a_taken_employee_number(portal, demo):
    page = portal.page
    portal.login("C100001")
    portal.goto("/cesu/beneficiaires/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bénéficiaires")
    expect(page.get_by_role("link", name="Importer des bénéficiaires")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("beneficiaries-list")

    page.get_by_role("link", name="Ajouter un bénéficiaire").click()
    expect(page).to_have_url(re.compile(r"/cesu/beneficiaires/ajouter/$"))
    portal.assert_accessible()
    _fill_beneficiary(page, last_name="Dupuis", first_name="Céline", employee_number="M0100")
    portal.screenshot("beneficiaries-form")
    page.get_by_role("button", name="Terminer").click()

    expect(page).to_have_url(re.compile(r"/cesu/beneficiaires/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Le bénéficiaire Céline Dupuis a bien été créé."
    )
    names = page.locator("tbody th").all_inner_texts()
    assert names.index("Dupuis Céline") == names.index("Dupont Maël") + 1
    assert names.index("Durand Manon") == names.index("Dupuis Céline") + 1
    assert names.index("Durand Manon") < names.index("Étienne Tom") < names.index("Faure Zoé")
    portal.screenshot("beneficiaries-created")

    page.get_by_role("link", name="Ajouter un bénéficiaire").click()
    _fill_beneficiary(page, last_name="Nouvelle", first_name="Inès", employee_number="M0001")
    page.get_by_role("button", name="Terminer").click()

    expect(page.locator("#id_employee_number_error")).to_have_text(
        "Ce matricule est déjà celui d’un autre bénéficiaire."
    )
    expect(page.get_by_role("alert")).to_contain_text("Matricule")
    expect(page.get_by_label("Matricule")).to_have_attribute("aria-invalid", "true")
    portal.assert_accessible()
    portal.screenshot("beneficiaries-form-errors")
    assert not Beneficiary.objects.filter(last_name="Nouvelle").exists()
