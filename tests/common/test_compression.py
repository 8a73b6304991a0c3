"""Compressed answers: pages, CSV and JSON in gzip with a random-length padding against
BREACH (decision 0007); files compressed already (PDF, XLSX) as they are."""

import gzip

import pytest
import time_machine
from django.urls import reverse

from tests.cesu_orders.factories import (
    TODAY,
    BeneficiaryFactory,
    delivery_to,
    funder_ready,
    line,
    place,
)

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_pages_are_sent_compressed_to_browsers_that_accept_it(client):
    page = client.get(reverse("directory:home"), headers=GZIP)
    plain = client.get(reverse("directory:home"))

    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert gzip.decompress(page.content).decode() == plain.content.decode()
    assert len(page.content) < len(plain.content) / 3
    assert not plain.has_header("Content-Encoding")


def test_each_compressed_answer_has_a_length_of_its_own_against_breach(client):
    lengths = {len(client.get(reverse("directory:home"), headers=GZIP).content) for _ in range(8)}

    # The same page, compressed eight times: the random padding changes its length.
    assert len(lengths) > 1


def test_pdf_and_spreadsheets_are_not_compressed_again(
    client, alice, org_a, django_capture_on_commit_callbacks
):
    address = funder_ready(org_a)
    with time_machine.travel(TODAY, tick=False):
        people = [BeneficiaryFactory(organization=org_a) for _ in range(5)]
        order = place(org_a, alice, [line(p) for p in people], delivery_to(address))
    client.force_login(alice)

    invoice = client.get(
        reverse("cesu_orders:invoice_download", args=[order.invoices.get().public_id]),
        headers=GZIP,
    )
    xlsx_url = reverse("cesu_orders:order_lines_xlsx", args=[order.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(xlsx_url)  # Its task makes the workbook.
    xlsx = client.get(xlsx_url, headers=GZIP)
    csv = client.get(reverse("cesu_orders:order_lines_csv", args=[order.public_id]), headers=GZIP)

    assert not invoice.has_header("Content-Encoding")
    assert b"".join(invoice.streaming_content).startswith(b"%PDF")
    assert not xlsx.has_header("Content-Encoding")
    assert csv["Content-Encoding"] == "gzip"  # CSV is text.
    assert gzip.decompress(csv.content).decode("utf-8-sig").startswith("Bénéficiaire;")


def test_gunicorn_workers_freeze_what_they_imported():
    import gc

    from config import gunicorn

    gc.unfreeze()
    try:
        gunicorn.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_a_big_page_is_compressed_fast_and_padded_too(client, alice, org_a):
    from cesu_orders.models import Beneficiary

    funder_ready(org_a)
    Beneficiary.objects.bulk_create(
        BeneficiaryFactory.build(organization=org_a, sort_name=f"n{i:04d}") for i in range(300)
    )
    client.force_login(alice)
    url = reverse("cesu_orders:order_table")

    plain = client.get(url).content
    compressed = [client.get(url, headers=GZIP) for _ in range(6)]

    assert len(plain) > 256 * 1024  # Compressed at gzip's fastest level.
    assert all(page["Content-Encoding"] == "gzip" for page in compressed)
    assert len(gzip.decompress(compressed[0].content)) == len(plain)
    assert len({len(page.content) for page in compressed}) > 1
