import re

from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from cesu_orders.models import Document, HelpRequest
from tests.common.factories import pdf_bytes

SENT = "Votre demande a bien été envoyée\u00a0; le service clients vous répondra par e-mail."


def test_a_manager_asks_for_help_with_an_attachment(portal, demo, tmp_path):
    attachment = tmp_path / "releve-commande.pdf"
    attachment.write_bytes(pdf_bytes())
    page = portal.page

    portal.login("C100001")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Besoin d’aide"
    ).click()
    expect(page).to_have_url(re.compile(r"/cesu/aide/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Besoin d’aide\u00a0?")
    expect(page.get_by_text("N°\u00a0Indigo 0\u00a0820\u00a020\u00a020\u00a001")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("help-form")

    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("alert")).to_contain_text("Saisissez votre message.")
    portal.assert_accessible()
    portal.screenshot("help-errors")

    page.get_by_label("Objet de votre demande").select_option(label="La facturation")
    page.get_by_label("Votre message").fill(
        "La facture de novembre mentionne 30 titres au lieu de 25."
    )
    page.get_by_label("Pièce jointe").set_input_files(attachment)
    page.get_by_role("button", name="Envoyer ma demande").click()

    expect(page).to_have_url(re.compile(r"/cesu/aide/$"))
    expect(page.get_by_role("status")).to_have_text(SENT)
    row = page.get_by_role("row", name=re.compile("La facturation"))
    expect(row).to_contain_text("30 titres au lieu de 25")
    expect(row.get_by_role("link", name=re.compile("Pièce jointe"))).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("help-sent")
    assert HelpRequest.objects.get().attachment.read() == pdf_bytes()


def test_a_manager_finds_a_published_document(portal, demo):
    document = Document(
        title="Guide du financeur CESU",
        category=Document.Category.GUIDES,
        description="Commander, distribuer et suivre vos titres CESU.",
        published_at=timezone.now(),
    )
    document.file.save("guide.pdf", ContentFile(pdf_bytes()), save=True)
    page = portal.page

    portal.login("C100001")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Documents utiles"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents utiles")
    expect(page.get_by_role("heading", name="Guides")).to_be_visible()
    expect(page.get_by_role("heading", name="Guide du financeur CESU")).to_be_visible()
    expect(page.get_by_text("PDF, 1\u00a0Ko")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("documents")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Télécharger «\sGuide du financeur")).click()
    assert download.value.suggested_filename == "guide-du-financeur-cesu.pdf"
