import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from common.formats import french_datetime
from domiciliation.models import Case, CaseStatus
from tests.domiciliation.factories import pdf_bytes
from tests.support.browser import loaded_image_width


def _review(page, proof_label, state, reason=None):
    row = page.locator(".proof-review__row", has_text=proof_label)
    row.get_by_label(state, exact=True).check()
    if reason:
        row.get_by_label("Motif de l’invalidation").select_option(label=reason)


def _logout(portal):
    portal.page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()


def test_a_domiciliataire_instructs_and_accepts_a_case(portal, demo, tmp_path):
    page = portal.page
    case = Case.objects.get(client_file__company_name="Rousseau Conseil")

    portal.login("domiciliataire@demo.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    portal.assert_accessible()
    portal.screenshot("instruction-dashboard")
    page.get_by_role("link", name="Dossier en attente d’acceptation ou de classement (S1)").click()
    expect(page.get_by_role("row", name=re.compile("Rousseau Conseil"))).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("instruction-s1")

    page.get_by_role("link", name="Rousseau Conseil").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Infos du dossier client domicilié")
    expect(page.get_by_text("Conseil en organisation")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("instruction-case")

    page.get_by_role("link", name="Justificatifs").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Justificatifs")
    page.get_by_text("Afficher l’aperçu de Pièce d’identité", exact=False).click()
    # The first page as a picture, never the browser's PDF viewer.
    preview = page.get_by_role(
        "img", name="Première page de Pièce d’identité du représentant légal"
    )
    expect(preview).to_be_visible()
    assert loaded_image_width(preview) == 1000
    expect(page.locator("iframe")).to_have_count(0)
    portal.assert_accessible()
    portal.screenshot("instruction-proofs")
    _review(page, "Pièce d’identité", "Validé")
    _review(page, "Statuts", "Validé")
    _review(page, "Justificatif de domicile", "Invalidé", "Document illisible")
    mail.outbox.clear()
    page.get_by_role("button", name="Mettre à jour").click()
    expect(page.get_by_role("status")).to_contain_text("e-mail récapitulatif")
    (recap,) = mail.outbox
    assert recap.to == ["client@demo.example"]
    assert "Document illisible" in recap.body

    # The company replaces the invalidated proof from its dashboard.
    _logout(portal)
    portal.login("client@demo.example")
    portal.goto("/domiciliation/")
    # The demo company also has a running contract (« Atelier Rousseau »).
    request = page.get_by_role("region", name="Rousseau Conseil")
    proof_state = request.get_by_role("listitem").filter(
        has_text=re.compile("^Justificatif de domicile")
    )
    expect(proof_state).to_contain_text("invalidé (Document illisible)")
    portal.screenshot("instruction-company-invalidated")
    request.get_by_role("link", name="Mettre à jour mes justificatifs").click()
    replacement = tmp_path / "nouveau-domicile.pdf"
    replacement.write_bytes(pdf_bytes())
    card = page.locator(".provider-card", has_text="Justificatif de domicile")
    card.locator("input[type=file]").set_input_files(replacement)
    card.get_by_role("button", name=re.compile("^(Ajouter|Remplacer)")).click()
    expect(page.get_by_role("status")).to_contain_text("enregistré")

    _logout(portal)
    portal.login("domiciliataire@demo.example")
    portal.goto(f"/domiciliataire/dossiers/{case.public_id}/justificatifs/")
    expect(page.get_by_text("nouveau-domicile.pdf")).to_be_visible()
    _review(page, "Justificatif de domicile", "Validé")
    page.get_by_role("button", name="Mettre à jour").click()
    expect(page.get_by_role("status")).to_contain_text("e-mail récapitulatif")

    page.get_by_role("link", name="Contrat", exact=True).click()
    expect(page.get_by_role("heading", name="Contrat", exact=True)).to_be_visible()
    # The offer starts from the centre chosen and the price the profile advertises.
    expect(page.get_by_label("Prix mensuel HT (€)")).to_have_value(
        f"{case.provider.price_from:.2f}".replace(".", ",")
    )
    page.get_by_label("Prix mensuel HT (€)").fill("29,90")
    page.get_by_label("Frais de dossier HT (€)").fill("0")
    page.get_by_role("button", name="Enregistrer l’offre").click()
    expect(page.get_by_role("status")).to_contain_text("L’offre est enregistrée")
    expect(page.get_by_role("article", name="Contrat de domiciliation")).to_contain_text("DOM-")
    portal.assert_accessible()
    portal.screenshot("instruction-contract")
    # The risk assessment (vigilance LCB-FT) comes before the acceptance.
    page.get_by_role("link", name="Vigilance", exact=True).click()
    expect(page.get_by_text("Aucune évaluation des risques enregistrée")).to_be_visible()
    page.get_by_label("Activité utilisant beaucoup d’espèces").check()
    page.get_by_label("Observations (facultatif)").fill("Commerce de détail, paiements en espèces.")
    page.get_by_role("button", name="Enregistrer l’évaluation").click()
    expect(page.get_by_role("status")).to_contain_text("Évaluation enregistrée\u00a0: risque moyen")
    expect(page.get_by_role("heading", name=re.compile("risque moyen"))).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("instruction-vigilance")
    page.get_by_role("link", name="Contrat", exact=True).click()
    mail.outbox.clear()
    page.get_by_role("button", name="Accepter le dossier").click()
    expect(page.get_by_role("status")).to_contain_text("Le dossier est accepté")
    portal.assert_accessible()

    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    # The end of the seventh day, Paris time.
    due = timezone.localtime(case.payment_due_at)
    assert (due.date(), due.hour, due.minute) == (
        timezone.localdate() + timedelta(days=7),
        23,
        59,
    )
    (accepted,) = mail.outbox
    assert accepted.to == ["client@demo.example"]
    assert french_datetime(case.payment_due_at) in accepted.body
    # 3 months × 29,90 € HT + 20 % VAT
    assert "107,64\u00a0€ TTC" in accepted.body
