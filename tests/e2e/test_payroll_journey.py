"""« Importer un fichier de paie » in a real browser: from the order table, the sample
file downloaded, a file with an unknown employee previewed with its errors, the corrected
file put in the cart. Screenshots at 1366 and 390 pixels wide."""

import re

from playwright.sync_api import expect

from cesu_orders.models import Cart


def test_a_manager_fills_the_cart_from_a_payroll_file(portal, demo, tmp_path):
    page = portal.page
    portal.login("C100001")
    portal.goto("/cesu/commandes/nouvelle/")
    page.get_by_role("link", name="Importer un fichier de paie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer un fichier de paie")
    portal.assert_accessible()
    portal.screenshots("payroll-upload")

    # The template is a sample file: the financeur's first bénéficiaires, usual order.
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle CSV").click()
    sample = tmp_path / "modele.csv"
    download.value.save_as(sample)
    lines = sample.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("matricule;nom;prenom;date_naissance")
    assert len(lines) == 6

    wrong = tmp_path / "paie-erreurs.csv"
    wrong.write_text(
        "\r\n".join([*lines[:3], "Z9999;Inconnu;Jean;;;;1;;;;", lines[3].replace(";1;", ";x;")]),
        encoding="utf-8",
    )
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(wrong)
    page.get_by_role("button", name="Voir l’aperçu").click()
    expect(page.get_by_role("heading", name="Salariés inconnus (1)")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Z9999")).to_contain_text(
        "Aucun bénéficiaire actif n’a ce matricule."
    )
    expect(page.get_by_role("heading", name="En erreur (1)")).to_be_visible()
    expect(page.get_by_role("button", name="Mettre au panier")).to_have_count(0)
    portal.assert_accessible()
    portal.screenshots("payroll-preview-errors")

    page.get_by_role("link", name="Importer un fichier corrigé").click()
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(sample)
    page.get_by_role("button", name="Voir l’aperçu").click()
    expect(page.get_by_role("heading", name="Lignes à mettre au panier (5)")).to_be_visible()
    expect(page.get_by_role("heading", name="Salariés inconnus (0)")).to_be_visible()
    portal.assert_accessible()
    portal.screenshots("payroll-preview")

    page.get_by_role("button", name="Mettre au panier").click()
    expect(page).to_have_url(re.compile(r"/cesu/commandes/nouvelle/"))
    expect(page.get_by_text("5 lignes du fichier de paie ajoutées au panier")).to_be_visible()
    portal.assert_accessible()
    portal.screenshots("payroll-cart")
    cart = Cart.objects.get(organization__name="Demo Industries")
    assert cart.lines.count() == 5
