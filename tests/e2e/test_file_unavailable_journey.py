"""A stored file that cannot be served: the company clicks one of its proofs and reads,
in French, that the file is missing (404) or that the storage does not answer (503),
with a way back to the page it came from."""

from django.urls import reverse
from playwright.sync_api import expect

from domiciliation.models import ClientFile
from tests.support.s3 import private_storage_as

# An S3 endpoint where nothing listens: the storage does not answer.
DEAD_BUCKET = {
    "BACKEND": "common.s3.PrivateS3Storage",
    "OPTIONS": {
        "bucket_name": "portail",
        "endpoint_url": "http://127.0.0.1:1",
        "access_key": "x",
        "secret_key": "y",
        "region_name": "us-east-1",
        "max_attempts": 1,
    },
}


def _open_the_proof(portal, client_file, code):
    """On « Justificatifs », the company clicks its proof `code`."""
    portal.goto(reverse("domiciliation:step", args=[client_file.public_id, 5]))
    proof = client_file.proofs.get(proof_type__code=code, superseded_at__isnull=True)
    portal.page.get_by_role("link", name=proof.original_name).click()


def _looks_right_on_a_phone(portal, name):
    portal.screenshot(f"{name}-1366")
    portal.page.set_viewport_size({"width": 390, "height": 844})
    assert portal.page.evaluate("document.documentElement.scrollWidth") <= 390
    portal.screenshot(f"{name}-390")
    portal.page.set_viewport_size({"width": 1366, "height": 900})


def test_a_missing_or_unreachable_file_is_a_french_page_with_a_way_back(portal, demo):
    page = portal.page
    client_file = ClientFile.objects.get(company_name="Rousseau Conseil")
    identity = client_file.proofs.get(proof_type__code="identite")
    identity.file.storage.delete(identity.file.name)
    portal.login("client@demo.example")

    _open_the_proof(portal, client_file, "identite")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fichier introuvable")
    expect(page.get_by_text("Ce fichier est introuvable dans le stockage.")).to_be_visible()
    portal.assert_accessible()
    _looks_right_on_a_phone(portal, "file-missing")
    page.get_by_role("link", name="Revenir à la page précédente").click()
    expect(page.get_by_role("link", name=identity.original_name)).to_be_visible()

    with private_storage_as(DEAD_BUCKET):
        _open_the_proof(portal, client_file, "domicile")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Fichier momentanément indisponible"
        )
        expect(page.get_by_text("Le stockage des fichiers ne répond pas")).to_be_visible()
        expect(page.get_by_text("n’a pas été enregistré")).to_have_count(0)
        portal.assert_accessible()
        _looks_right_on_a_phone(portal, "file-unavailable")
