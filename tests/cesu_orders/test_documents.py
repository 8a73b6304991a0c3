import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from cesu_orders.models import Document
from tests.accounts.factories import MembershipFactory
from tests.common.factories import pdf_bytes

LIST = reverse("cesu_orders:document_list")


def _document(title="Guide du financeur", category=Document.Category.GUIDES, days_ago=1, **fields):
    published_at = None if days_ago is None else timezone.now() - datetime.timedelta(days=days_ago)
    document = Document(title=title, category=category, published_at=published_at, **fields)
    document.file.save("guide.pdf", ContentFile(pdf_bytes()), save=True)
    return document


def _download_url(document):
    return reverse("cesu_orders:document_download", kwargs={"public_id": document.public_id})


def _headings(response) -> list[str]:
    return [label for label, _ in response.context["categories"]]


def test_it_lists_published_documents_by_category_in_the_order_of_the_categories(client, alice):
    _document("Tarifs 2027", Document.Category.PRICING)
    _document(
        "Guide du financeur", Document.Category.GUIDES, description="Tout pour bien commencer."
    )
    _document("Formulaire de commande", Document.Category.FORMS)
    client.force_login(alice)

    response = client.get(LIST)

    assert _headings(response) == ["Guides", "Formulaires", "Tarifs et conditions"]
    page = response.content.decode()
    assert "Tout pour bien commencer." in page
    assert "PDF, 1\u00a0Ko" in page
    assert (
        page.index("Guide du financeur")
        < page.index("Formulaire de commande")
        < page.index("Tarifs 2027")
    )


def test_it_hides_unpublished_and_future_documents(client, bob):
    _document("Brouillon", days_ago=None)
    _document("À paraître", days_ago=-2)
    client.force_login(bob)

    response = client.get(LIST)

    assert response.context["categories"] == []
    assert "Aucun document n’est disponible pour le moment." in response.content.decode()


def test_it_lists_documents_in_a_constant_number_of_queries(
    client, alice, django_assert_num_queries
):
    client.force_login(alice)
    _document("Premier")
    with CaptureQueriesContext(connection) as one_document:
        client.get(LIST)
    for number in range(10):
        _document(f"Document {number}", Document.Category.REGULATION)
    with django_assert_num_queries(len(one_document)):
        response = client.get(LIST)
    assert len(response.context["categories"][1][1]) == 10


def test_it_streams_a_published_document_under_a_clean_name(client, bob):
    document = _document("Conditions générales 2027 (CGV)")
    client.force_login(bob)

    response = client.get(_download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="conditions-generales-2027-cgv.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("days_ago", [None, -1])
def test_it_refuses_to_download_an_unpublished_document(client, alice, days_ago):
    document = _document(days_ago=days_ago)
    client.force_login(alice)
    assert client.get(_download_url(document)).status_code == 404


def test_it_refuses_to_download_an_unknown_document(client, alice):
    client.force_login(alice)
    url = reverse(
        "cesu_orders:document_download",
        kwargs={"public_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [LIST, "download"])
def test_it_sends_an_anonymous_visitor_to_the_login(client, db, url):
    url = _download_url(_document()) if url == "download" else url
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [LIST, "download"])
def test_it_refuses_a_domiciliataire_member(client, db, url):
    url = _download_url(_document()) if url == "download" else url
    member = MembershipFactory(organization__kind=Organization.Kind.PROVIDER).user
    client.force_login(member)
    assert client.get(url).status_code == 403
