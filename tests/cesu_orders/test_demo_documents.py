"""« Documents utiles » of the demo: real PDFs the portal renders, with correct CESU
facts (millésime, exemption ceilings, crédit d’impôt famille, terms of sale)."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cesu_orders.demo_documents import seed_documents
from cesu_orders.models import Document

pytestmark = pytest.mark.django_db


def _text(document: Document) -> str:
    with document.file.open("rb") as file:
        reader = PdfReader(BytesIO(file.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    for space in ("\u00a0", "\u202f", "\n"):
        text = text.replace(space, " ")
    return " ".join(text.split())


def test_the_demo_publishes_four_real_documents_once():
    seed_documents(lambda message: None)
    seed_documents(lambda message: None)
    documents = {document.title: document for document in Document.objects.all()}
    assert set(documents) == {
        "Guide de la commande en ligne",
        "Guide du bénéficiaire",
        "Fichier d’import des bénéficiaires",
        "Conditions Générales de Vente",
    }
    year = timezone.localdate().year

    guide = _text(documents["Guide de la commande en ligne"])
    assert f"millésime {year} sont utilisables jusqu’au 31 janvier {year + 1}" in guide
    assert f"millésime {year + 1} se commandent à partir du 1er décembre {year}" in guide
    assert "2 540,00 € en 2025" in guide
    assert "2 591,00 € en 2026" in guide
    assert "crédit d’impôt famille égal à 25 %" in guide
    assert "« Données financeur » puis sur « Bénéficiaires »" in guide
    assert "« Ajouter un gestionnaire »" in guide

    beneficiary = _text(documents["Guide du bénéficiaire"])
    assert f"utilisable jusqu’au 31 janvier {year + 1}" in beneficiary
    assert f"avant la fin du mois de février {year + 1}" in beneficiary

    columns = _text(documents["Fichier d’import des bénéficiaires"])
    for column in ("civilite", "nom", "prenom", "matricule", "valeur_faciale", "part_patronale"):
        assert column in columns

    terms = _text(documents["Conditions Générales de Vente"])
    assert "Article 4 – Facturation et paiement" in terms
    assert "indemnité forfaitaire de 40 € pour frais de recouvrement" in terms
    assert "1er janvier" in terms or "en vigueur depuis le" in terms


def test_a_manager_downloads_them_from_documents_utiles(client, alice):
    seed_documents(lambda message: None)
    client.force_login(alice)
    page = client.get(reverse("cesu_orders:document_list")).content.decode()
    document = Document.objects.get(title="Guide du bénéficiaire")
    assert "Guide du bénéficiaire" in page
    response = client.get(reverse("cesu_orders:document_download", args=[document.public_id]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
