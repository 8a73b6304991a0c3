from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cesu_orders.models import Document, Funder, HelpRequest
from tests.accounts.factories import UserFactory
from tests.common.factories import pdf_bytes


def _staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))


def _document_post(file):
    return {
        "title": "Guide du financeur",
        "category": Document.Category.GUIDES,
        "description": "",
        "file": file,
        "published_at_0": "22/11/2026",
        "published_at_1": "09:00:00",
    }


def test_staff_publish_a_real_pdf(client, db):
    _staff(client)
    upload = SimpleUploadedFile("guide.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(reverse("admin:cesu_orders_document_add"), _document_post(upload))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.name.startswith("documents/")
    assert document.file.read().startswith(b"%PDF-")


def test_a_fake_pdf_is_refused_in_the_admin(client, db):
    _staff(client)
    fake = SimpleUploadedFile(
        "guide.pdf", b"<html>pas un PDF</html>", content_type="application/pdf"
    )
    response = client.post(reverse("admin:cesu_orders_document_add"), _document_post(fake))
    assert response.status_code == 200
    assert "Ce fichier n’est pas accepté. Formats acceptés\u00a0: PDF." in response.content.decode()
    assert not Document.objects.exists()


def test_staff_download_a_help_attachment_and_others_cannot(client, alice, org_a):
    help_request = HelpRequest.objects.create(
        organization=org_a,
        user=alice,
        subject=HelpRequest.Subject.OTHER,
        message="Bonjour",
        attachment=ContentFile(pdf_bytes(), name="piece.pdf"),
    )
    url = reverse("admin:cesu_orders_helprequest_attachment", args=[help_request.pk])

    client.force_login(alice)
    assert client.get(url).status_code == 302  # not staff: sent to the login

    _staff(client)
    page = client.get(reverse("admin:cesu_orders_helprequest_change", args=[help_request.pk]))
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_cannot_save_a_funder_with_an_invalid_siret(client, org_b):
    _staff(client)
    response = client.post(
        reverse("admin:cesu_orders_funder_add"),
        {
            "organization": org_b.pk,
            "client_reference": "C300001",
            "legal_name": "Bêta Services SARL",
            "siret": "73282932000075",
            "billing_address": "1 rue Haute",
            "billing_postcode": "75001",
            "billing_city": "Paris",
        },
    )
    assert response.status_code == 200
    assert "Saisissez un numéro SIRET valide (14 chiffres)." in response.content.decode()
    assert not Funder.objects.exists()
