"""The accountant's export (the CSV of a period's invoices and credit notes, their PDFs
as a ZIP built by a task), the quote of the cart, and the progress of slow work."""

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from cesu_orders.models import Invoice, Job, Quote
from cesu_orders.selectors.accounting import invoices_of_period
from cesu_orders.services.accounting import PeriodRefused, invoices_zip_start
from cesu_orders.services.cart import CartChanged
from cesu_orders.services.jobs import job_finish
from cesu_orders.services.orders import order_cancel
from cesu_orders.services.quotes import quote_create
from tests.accounts.factories import UserFactory
from tests.cesu_orders.factories import (
    TODAY,
    BeneficiaryFactory,
    delivery_to,
    funder_ready,
    line,
    order_on,
    save_cart,
    terms_since,
)

pytestmark = pytest.mark.django_db

EXPORT = reverse("cesu_orders:accounting_export")
EXPORT_CSV = reverse("cesu_orders:accounting_export_csv")
EXPORT_ZIP = reverse("cesu_orders:accounting_export_zip")


@pytest.fixture
def invoices(org_a, alice):
    """An invoice of 3 March 2025, an order of 2 June cancelled on 3 June (its invoice
    and its credit note), and an invoice of 5 January 2026."""
    address = funder_ready(org_a)
    terms_since(2025)
    emilie = BeneficiaryFactory(organization=org_a, last_name="=HYPERLINK(1)")
    order_on(date(2025, 3, 3), org_a, alice, [line(emilie)], address)
    cancelled = order_on(date(2025, 6, 2), org_a, alice, [line(emilie, booklets=2)], address)
    with time_machine.travel("2025-06-03 09:00 +02:00", tick=False):
        order_cancel(order=cancelled, actor=UserFactory(is_staff=True), reason="Doublon")
    order_on(date(2026, 1, 5), org_a, alice, [line(emilie)], address)
    return Invoice.objects.for_organization(org_a)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_lists_the_invoices_and_credit_notes_of_the_period(client, alice, invoices):
    client.force_login(alice)
    response = client.get(EXPORT_CSV, {"du": "2025-01-01", "au": "2025-12-31"})

    assert response["Content-Disposition"] == (
        'attachment; filename="factures-cesu-20250101-20251231.csv"'
    )
    header, *rows = _csv(response)
    assert header == [
        "Date",
        "Type",
        "Numéro",
        "Montant HT",
        "TVA",
        "Montant TTC",
        "Commande",
        "Statut",
        "Référence",
    ]
    march, june, credit_note = rows
    # 10 titles of 15 € + fees 4,90 + 0,45 + 8,50 = 13,85 € HT, VAT 2,77 €.
    assert march == [
        "03/03/2025",
        "Facture",
        "FC-2025-000001",
        "163,85",
        "2,77",
        "166,62",
        "CMD-2025-000001",
        "Émise",
        "",
    ]
    assert june[2:3] + june[6:] == ["FC-2025-000002", "CMD-2025-000002", "Annulée par avoir",
                                    "AV-2025-000001"]  # fmt: skip
    assert credit_note[:3] == ["03/06/2025", "Avoir", "AV-2025-000001"]
    assert credit_note[3].startswith("-")
    assert credit_note[7:] == ["Avoir", "FC-2025-000002"]


def test_no_cell_of_the_csv_can_run_a_formula(client, org_a, alice, invoices):
    # A text cell (the number, the order) that starts like a formula gets an apostrophe.
    Invoice.objects.filter(number="FC-2025-000001").update(number="=FC-2025-000001")
    client.force_login(alice)
    rows = _csv(client.get(EXPORT_CSV, {"du": "2025-01-01", "au": "2025-12-31"}))
    assert rows[1][2] == "'=FC-2025-000001"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"du": "2025-12-31", "au": "2025-01-01"}, "La date de début (31 décembre 2025) est après"),
        ({"du": "2024-01-01", "au": "2025-06-30"}, "Choisissez une période d’un an au plus"),
        ({"du": "31/02/2025", "au": "2025-06-30"}, "Indiquez la date de début au format"),
        ({"du": "", "au": "2025-06-30"}, "Indiquez la date de début de la période."),
    ],
)
def test_bad_dates_are_refused_with_a_message_and_nothing_is_made(
    client, alice, invoices, data, message
):
    client.force_login(alice)
    page = client.get(EXPORT, data)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert message in client.get(EXPORT_CSV, data).content.decode()  # the page, not a CSV
    response = client.post(EXPORT_ZIP, data, follow=True)
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_the_zip_holds_the_pdfs_of_the_period(
    client, alice, invoices, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORT_ZIP, {"du": "2025-01-01", "au": "2025-12-31"})
    assert response.status_code == 302
    job = Job.objects.get(kind=Job.Kind.INVOICES_ZIP)
    assert job.succeeded
    download = client.get(reverse("cesu_orders:job_download", args=[job.public_id]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == [
        "AV-2025-000001.pdf",
        "FC-2025-000001.pdf",
        "FC-2025-000002.pdf",
    ]
    assert archive.read("FC-2025-000001.pdf").startswith(b"%PDF-")


def test_a_period_without_invoices_is_refused(org_a, alice, invoices):
    with pytest.raises(PeriodRefused, match="Aucune facture ni aucun avoir"):
        invoices_zip_start(
            organization=org_a, user=alice, date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)
        )
    assert not Job.objects.exists()


def test_the_period_never_reaches_another_financeurs_invoices(org_a, org_b, alice, invoices):
    funder_ready(org_b)
    assert (
        invoices_of_period(
            organization=org_b, date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)
        ).count()
        == 0
    )


def test_another_financeurs_zip_is_a_404(
    client, alice, charlie, invoices, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EXPORT_ZIP, {"du": "2025-01-01", "au": "2025-12-31"})
    job = Job.objects.get()
    client.force_login(charlie)
    for name in ("job_download", "job_status"):
        assert client.get(reverse(f"cesu_orders:{name}", args=[job.public_id])).status_code == 404


# Slow work's progress


def test_a_running_job_is_polled_by_htmx_and_refreshed_without_javascript(
    client, org_a, alice, invoices, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run
        job = invoices_zip_start(
            organization=org_a, user=alice, date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)
        )
    client.force_login(alice)
    url = reverse("cesu_orders:job_status", args=[job.public_id])
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert 'hx-trigger="every 2s"' in page
    assert "En cours&nbsp;: 0 sur 3 (0&nbsp;%)" in page
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert "HX-Refresh" not in fragment

    job.done = 3
    job.save()
    job_finish(job=job)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    assert 'hx-trigger="every 2s"' not in fragment.content.decode()


# The quote


@pytest.fixture
def cart(org_a, alice):
    address = funder_ready(org_a)
    emilie = BeneficiaryFactory(organization=org_a, last_name="Martin", first_name="Émilie")
    lucas = BeneficiaryFactory(organization=org_a, last_name="Bernard", first_name="Lucas")
    with time_machine.travel(TODAY, tick=False):
        return save_cart(
            org_a,
            alice,
            [line(emilie, booklets=2), line(lucas, face_value=Decimal("20.00"))],
            delivery_to(address),
        )


def test_the_quote_is_numbered_valid_30_days_and_its_pdf_kept(
    client, org_a, alice, cart, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cesu_orders:quote_create"), {"cart_version": str(cart.version)}
        )
    quote = Quote.objects.get()
    assert response.url == reverse("cesu_orders:quote_detail", args=[quote.public_id])
    assert quote.number == "DEV-2026-000001"
    assert quote.valid_until == date(2026, 12, 23)
    # 20 × 15 € + 10 × 20 € = 500 €; fees 4,90 + 3 × 0,45 + 8,50 = 14,75 € HT, VAT 2,95 €.
    assert (quote.face_total, quote.fees_excl_vat, quote.vat, quote.total_to_pay) == (
        Decimal("500.00"),
        Decimal("14.75"),
        Decimal("2.95"),
        Decimal("517.70"),
    )
    page = client.get(response.url).content.decode()
    assert "Télécharger le devis (PDF)" in page
    pdf = b"".join(
        client.get(reverse("cesu_orders:quote_download", args=[quote.public_id])).streaming_content
    )
    text = re.sub(
        r"[ \n]+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    )
    assert "Devis n° DEV-2026-000001" in text
    assert "valable 30 jours, jusqu’au 23 décembre 2026" in text
    assert "Martin Émilie" in text
    assert "Millésime 2026, titres utilisables jusqu’au 31 janvier 2027" in text
    assert "TVA 20\u00a0% sur les frais 2,95\u00a0€" in text
    assert "Total à payer 517,70\u00a0€" in text
    assert "Bon pour accord" in text
    # The cart is untouched: the order is still to validate.
    assert cart.lines.count() == 2


def test_a_quote_of_a_cart_changed_since_is_refused(org_a, alice, cart):
    with pytest.raises(CartChanged), time_machine.travel(TODAY, tick=False):
        quote_create(organization=org_a, user=alice, version=cart.version - 1, vintage_year=None)
    assert not Quote.objects.exists()


def test_the_recap_offers_the_quote_and_lists_the_cart_quotes(
    client, org_a, alice, cart, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            quote = quote_create(
                organization=org_a, user=alice, version=cart.version, vintage_year=None
            )
        client.force_login(alice)
        page = client.get(reverse("cesu_orders:order_recap")).content.decode()
    assert "Télécharger un devis" in page
    assert (
        f"Devis {quote.number}</a> du 23 novembre 2026, valable jusqu’au 23 décembre 2026" in page
    )
