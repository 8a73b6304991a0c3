import re

from playwright.sync_api import expect

from cesu_orders.models import Beneficiary

HEADER = (
    "civilite;nom;prenom;matricule;categorie;type_cesu;valeur_faciale;part_patronale;"
    "carnets;titres_par_carnet"
)
ROWS = [
    "Madame;Lefèvre;Hélène;M0901;services-domicile;papier;15,00;50;1;10",
    "Monsieur;Petit;Loïc;M0902;garde-enfants;papier;20,00;50 %;2;20",
    "Madame;Durand;Anne;M0903;services-domicile;papier;{face_value};50;1;10",
]


def import_file(tmp_path, face_value: str):
    path = tmp_path / f"import-{face_value}.csv"
    lines = [HEADER, *(row.format(face_value=face_value) for row in ROWS)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    return path


def test_a_manager_fixes_a_file_then_imports_it(portal, demo, tmp_path):
    page = portal.page
    portal.login("C100001")
    portal.goto("/cesu/beneficiaires/importer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer des bénéficiaires")
    expect(page.get_by_role("link", name="Télécharger le modèle")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("import-upload")

    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(import_file(tmp_path, "17"))
    page.get_by_role("button", name="Voir l’aperçu").click()
    expect(page.get_by_role("heading", name="En erreur (1)")).to_be_visible()
    error_row = page.get_by_role("row").filter(has_text="Durand")
    expect(error_row).to_contain_text("4")
    expect(error_row).to_contain_text("Choisissez une valeur faciale proposée au catalogue.")
    expect(page.get_by_role("button", name="Confirmer l’import")).to_have_count(0)
    expect(page.get_by_text("Corrigez le fichier puis importez-le de nouveau.")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("import-preview-errors")

    page.get_by_role("link", name="Importer un fichier corrigé").click()
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(import_file(tmp_path, "15"))
    page.get_by_role("button", name="Voir l’aperçu").click()
    expect(page.get_by_role("heading", name="À créer (3)")).to_be_visible()
    expect(page.get_by_role("heading", name="En erreur (0)")).to_be_visible()
    expect(page.get_by_text("Lefèvre Hélène")).to_be_visible()
    assert not Beneficiary.objects.filter(employee_number="M0901").exists()
    portal.assert_accessible()
    portal.screenshot("import-preview")

    page.get_by_role("button", name="Confirmer l’import").click()
    expect(page.get_by_text("3 bénéficiaires créés, 0 mis à jour.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/cesu/beneficiaires/"))
    portal.screenshot("import-done")
    assert Beneficiary.objects.get(employee_number="M0901").first_name == "Hélène"
