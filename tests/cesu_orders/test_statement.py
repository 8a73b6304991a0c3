"""« Relevé des aides versées »: the aid of a year per month of delivery, the crédit
d'impôt famille (25 %, capped at 500 000 €), its CSV and its PDF."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from cesu_orders import aid
from cesu_orders.models import Job
from cesu_orders.selectors.yearly import aid_statement
from cesu_orders.services.orders import order_cancel
from cesu_orders.services.statements import StatementRefused, aid_statement_start
from tests.accounts.factories import UserFactory
from tests.cesu_orders.factories import (
    BeneficiaryFactory,
    funder_ready,
    line,
    made,
    order_on,
    terms_since,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def orders_2025(org_a, alice):
    """March: 20 titles of 15 € at 50 % (150 €); December: 10 titles (75 €) of the 2026
    millésime; a cancelled order, one not made yet and one delivered in January 2026."""
    address = funder_ready(org_a)
    terms_since(2025)
    staff = UserFactory(is_staff=True)
    emilie = BeneficiaryFactory(organization=org_a)
    made(order_on(date(2025, 3, 3), org_a, alice, [line(emilie, booklets=2)], address), staff)
    made(
        order_on(date(2025, 12, 1), org_a, alice, [line(emilie)], address, vintage_year=2026),
        staff,
    )
    cancelled = order_on(date(2025, 6, 2), org_a, alice, [line(emilie, booklets=5)], address)
    order_cancel(order=cancelled, actor=staff, reason="Doublon")
    order_on(date(2025, 12, 8), org_a, alice, [line(emilie)], address)
    made(
        order_on(
            date(2025, 12, 22), org_a, alice, [line(emilie)], address, delivery=date(2026, 1, 5)
        ),
        staff,
    )


def test_the_statement_sums_the_aid_per_month_of_delivery(org_a, orders_2025):
    statement = aid_statement(organization=org_a, year=2025, today=date(2026, 1, 5))

    by_month = {month.month.month: month for month in statement.months}
    assert len(statement.months) == 12
    assert (by_month[3].orders, by_month[3].vouchers, by_month[3].aid) == (1, 20, D("150.00"))
    assert (by_month[12].orders, by_month[12].aid) == (1, D("75.00"))
    assert by_month[6].aid == 0
    assert statement.aid == D("225.00")
    assert statement.face_total == D("450.00")
    assert statement.tax_credit.credit == D("56.25")
    assert statement.tax_credit.capped == D("56.25")
    assert not statement.is_provisional
    assert aid_statement(organization=org_a, year=2026, today=date(2026, 1, 5)).aid == D("75.00")


def test_the_tax_credit_is_25_percent_capped_at_500_000_euros():
    assert aid.family_tax_credit(D("1000.00")).credit == D("250.00")
    assert aid.family_tax_credit(D("0.10")).credit == D("0.03")  # 0,025 rounded half up
    big = aid.family_tax_credit(D("2400000.00"))
    assert big.credit == D("600000.00")
    assert big.capped == D("500000.00")
    assert big.is_capped


def test_the_csv_has_a_row_per_month_the_total_and_the_credit(client, alice, orders_2025):
    with time_machine.travel("2026-01-05 10:00 +01:00", tick=False):
        client.force_login(alice)
        response = client.get(reverse("cesu_orders:aid_statement_csv"), {"annee": "2025"})
    assert response["Content-Disposition"] == 'attachment; filename="releve-aides-cesu-2025.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Mois",
        "Commandes",
        "Titres",
        "Valeur faciale",
        "Aide versée (part patronale)",
        "Crédit d'impôt famille (25 %)",
    ]
    assert rows[3] == ["03/2025", "1", "20", "300,00", "150,00", "37,50"]
    assert rows[13] == ["Total 2025", "2", "30", "450,00", "225,00", "56,25"]
    assert rows[14][0].startswith("Crédit d'impôt famille retenu (plafond 500000,00")
    assert rows[14][-1] == "56,25"
    assert len(rows) == 15


def test_the_pdf_is_rendered_by_a_task_and_kept(
    client, org_a, alice, orders_2025, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-01-05 10:00 +01:00", tick=False):
        client.force_login(alice)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("cesu_orders:aid_statement_pdf"), {"annee": "2025"})
        assert response.status_code == 302
        job = Job.objects.get(kind=Job.Kind.AID_STATEMENT)
        download = client.get(reverse("cesu_orders:job_download", args=[job.public_id]))
    assert job.succeeded
    pdf = b"".join(download.streaming_content)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"[ \n]+", " ", text)
    assert "Relevé des aides versées en CESU – année 2025" in text
    assert "Aide versée en 2025 225,00\u00a0€" in text
    assert "Crédit d’impôt famille (25\u00a0% de l’aide) 56,25\u00a0€" in text
    assert "500\u202f000,00\u00a0€" in text
    assert "244\u00a0quater\u00a0F" in text


def test_a_year_to_come_is_refused_and_the_current_one_is_provisional(client, org_a, alice):
    with time_machine.travel("2026-01-05 10:00 +01:00", tick=False):
        with pytest.raises(StatementRefused, match="L’année 2027 n’a pas commencé"):
            aid_statement_start(organization=org_a, user=alice, year=2027)
        client.force_login(alice)
        page = client.get(reverse("cesu_orders:aid_statement"), {"annee": "2026"}).content
    assert not Job.objects.exists()
    assert "ce relevé est provisoire" in page.decode()
