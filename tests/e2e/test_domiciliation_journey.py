import re

from django.core import mail
from playwright.sync_api import expect

from domiciliation.models import Case, CaseStatus
from tests.domiciliation.factories import pdf_bytes


def test_a_visitor_builds_a_file_and_sends_it_to_two_domiciliataires(portal, demo, tmp_path):
    page = portal.page
    identity, address = tmp_path / "identite.pdf", tmp_path / "domicile.pdf"
    identity.write_bytes(pdf_bytes())
    address.write_bytes(pdf_bytes())

    portal.goto("/annuaire/domiciliataire/demo-domiciliation-paris/")
    page.get_by_role("link", name="Demander une offre", exact=True).click()
    expect(page.get_by_role("heading", level=2)).to_have_text("L’entreprise")
    portal.assert_accessible()
    portal.screenshot("request-step-1")
    page.get_by_label("En cours de création").check()
    page.get_by_label("Forme juridique").select_option(label="SAS")
    page.get_by_label("Dénomination").fill("Nouvelle Start")
    page.get_by_label("Activité").fill("Édition de logiciels")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Le représentant légal")
    portal.assert_accessible()
    page.get_by_label("Civilité").select_option(label="Monsieur")
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Date de naissance").fill("1990-01-02")
    page.get_by_label("Lieu de naissance").fill("Lyon")
    page.get_by_label("Nationalité").fill("française")
    page.get_by_label("Adresse personnelle").fill("1 rue de la République")
    page.get_by_label("Code postal").fill("69001")
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_label("Adresse e-mail").fill("paul@start.example")
    page.get_by_label("Téléphone mobile").fill("06 12 34 56 78")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Les bénéficiaires effectifs")
    portal.assert_accessible()
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Part du capital (%)").fill("100")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Services et courrier")
    portal.assert_accessible()
    page.get_by_label("Réexpédition du courrier").check()
    page.get_by_label("Numérisé et envoyé par e-mail").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # The proofs need an account: the answers so far are kept.
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer mon compte entreprise")
    portal.assert_accessible()
    portal.screenshot("request-signup")
    page.get_by_label("Adresse e-mail").fill("paul@start.example")
    page.get_by_label("Mot de passe", exact=True).fill("Un-mot-de-passe-solide-42")
    page.get_by_label("Mot de passe (confirmation)").fill("Un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Créer mon compte").click()

    # The address is confirmed before the account is used: the link logs in, in this
    # browser, and brings the visitor back to the questionnaire.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre adresse e-mail")
    portal.assert_accessible()
    portal.screenshot("request-confirm-email")
    confirmation = next(m for m in mail.outbox if "paul@start.example" in m.to)
    link = re.search(r"https?://\S+/compte/confirmation-e-mail/\S+/", confirmation.body).group(0)
    page.goto(portal.url(link[link.index("/compte/") :]))
    portal.assert_accessible()
    page.get_by_role("button", name="Confirmer cette adresse").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Justificatifs")
    portal.assert_accessible()
    for label, path in [("Pièce d’identité", identity), ("Justificatif de domicile", address)]:
        card = page.locator(".provider-card", has_text=label)
        card.locator("input[type=file]").set_input_files(path)
        card.get_by_role("button", name=re.compile("^Ajouter")).click()
        expect(page.get_by_role("status")).to_contain_text("enregistré")
    portal.screenshot("request-proofs")

    portal.goto("/domiciliation/")
    page.get_by_role("link", name="Reprendre le questionnaire").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Récapitulatif et envoi")
    page.get_by_label("Ajouter un autre domiciliataire").fill("rive gauche")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_label("Domiciliation Rive Gauche")).to_be_checked()
    portal.assert_accessible()
    portal.screenshot("request-summary")
    page.get_by_role("button", name=re.compile("Faire suivre")).click()

    expect(page.get_by_role("status")).to_contain_text("Votre dossier a été envoyé à")
    portal.assert_accessible()
    portal.screenshot("request-dashboard")
    cases = Case.objects.filter(client_file__company_name="Nouvelle Start")
    assert sorted(str(case.provider) for case in cases) == [
        "Demo Domiciliation Paris",
        "Domiciliation Rive Gauche",
    ]
    assert {case.status for case in cases} == {CaseStatus.S1}
    notified = {m.to[0] for m in mail.outbox if "Nouvelle demande de contrat" in m.subject}
    assert notified == {
        "domiciliataire@demo.example",
        "agent@demo.example",
        "domiciliataire2@demo.example",
    }

    # Both domiciliataires find it in their S1 queue.
    for login in ("domiciliataire@demo.example", "domiciliataire2@demo.example"):
        page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()
        portal.login(login)
        portal.goto("/domiciliataire/dossiers/?statut=S1")
        expect(page.get_by_role("row", name=re.compile("Nouvelle Start"))).to_be_visible()
