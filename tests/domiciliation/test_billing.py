"""Recurring invoices: each period billed once on its first day, however often the job
runs and whatever the calendar (end of month, leap day, summer time, the 31st before a
30-day month), numbered without gaps, rendered, e-mailed with the PDF; the unique
constraint on a contract's period; a constant number of queries per batch; the job
racing a payment on PostgreSQL."""

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from domiciliation.models import Contract, ContractStatus, Invoice, Payment
from domiciliation.periods import add_months, period_bounds
from domiciliation.services.billing import billing_batch, billing_run
from domiciliation.services.invoice_payments import invoice_payment_confirm, invoice_payment_start
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import at as paris_time
from tests.domiciliation.factories import signed_contract

pytestmark = pytest.mark.django_db

PARIS = timezone.get_current_timezone()


def at(day: date, hour: int = 0, minute: int = 30) -> datetime:
    """Half past midnight by default: the job's first run of the day."""
    return paris_time(day, hour, minute)


def contract_from(day: date, company, provider, admin, **offer) -> Contract:
    """A contract signed on `day` (so starting on it), billed monthly unless told."""
    offer.setdefault("billing_months", 1)
    with time_machine.travel(at(day, 10), tick=False):
        return signed_contract(company, [provider], admin, **offer)


def run_three_times(capture, moment: datetime) -> list[int]:
    with time_machine.travel(moment, tick=False):
        issued = []
        for _ in range(3):
            with capture(execute=True):
                issued.append(billing_run())
        return issued


def periods(contract) -> list[tuple]:
    return list(
        Invoice.objects.filter(contract=contract)
        .order_by("period_index")
        .values_list("kind", "period_index", "period_start", "period_end", "amount_incl_tax")
    )


# The calendar


def test_periods_follow_the_start_day_and_the_end_of_shorter_months():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 1, 31), 3) == date(2027, 4, 30)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    # Counted from the start, not from the previous date: back to the 31st after April.
    assert period_bounds(date(2027, 1, 31), 1, 3) == (date(2027, 4, 30), date(2027, 5, 30))
    assert period_bounds(date(2027, 1, 31), 1, 4) == (date(2027, 5, 31), date(2027, 6, 29))


def test_the_31st_before_a_30_day_month_is_billed_once_on_the_30th(
    company, paris, admin, django_capture_on_commit_callbacks
):
    contract = contract_from(date(2027, 3, 31), company, paris, admin)
    assert contract.next_billing_on == date(2027, 4, 30)
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2027, 4, 29), 23, 59)) == [
        0,
        0,
        0,
    ]
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2027, 4, 30))) == [1, 0, 0]
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2027, 5, 31))) == [1, 0, 0]
    assert periods(contract) == [
        ("first", 0, date(2027, 3, 31), date(2027, 4, 29), Decimal("96.00")),
        ("period", 1, date(2027, 4, 30), date(2027, 5, 30), Decimal("36.00")),
        ("period", 2, date(2027, 5, 31), date(2027, 6, 29), Decimal("36.00")),
    ]


def test_the_end_of_month_and_the_leap_day_are_billed_once(
    company, paris, admin, django_capture_on_commit_callbacks
):
    contract = contract_from(date(2028, 1, 31), company, paris, admin)
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2028, 2, 28))) == [0, 0, 0]
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2028, 2, 29))) == [1, 0, 0]
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2028, 3, 1))) == [0, 0, 0]
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2028, 3, 31))) == [1, 0, 0]
    assert [row[2:4] for row in periods(contract)[1:]] == [
        (date(2028, 2, 29), date(2028, 3, 30)),
        (date(2028, 3, 31), date(2028, 4, 29)),
    ]


def test_a_yearly_contract_started_on_a_leap_day_is_billed_on_the_28th(
    company, paris, admin, django_capture_on_commit_callbacks
):
    contract = contract_from(date(2028, 2, 29), company, paris, admin, billing_months=12,
                             duration_months=12)  # fmt: skip
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2029, 2, 28))) == [1, 0, 0]
    invoice = Invoice.objects.get(contract=contract, period_index=1)
    assert (invoice.period_start, invoice.period_end) == (date(2029, 2, 28), date(2030, 2, 27))
    assert invoice.amount_incl_tax == Decimal("432.00")  # 12 × 30 € + 20 % VAT


@pytest.mark.parametrize(
    ("signed", "billed"),
    [
        # The nights the clocks go forward (28 March 2027, 2:00 → 3:00) and back (31
        # October 2027, 3:00 → 2:00).
        (date(2027, 2, 28), date(2027, 3, 28)),
        (date(2027, 8, 31), date(2027, 10, 31)),
    ],
)
def test_a_summer_time_change_bills_on_the_paris_day(
    company, paris, admin, signed, billed, django_capture_on_commit_callbacks
):
    contract = contract_from(signed, company, paris, admin)
    eve = billed - timedelta(days=1)
    run_three_times(django_capture_on_commit_callbacks, at(eve, 12))  # the periods before
    before = len(periods(contract))
    # 23:30 on the eve (21:30 or 22:30 UTC): not yet.
    assert run_three_times(django_capture_on_commit_callbacks, at(eve, 23)) == [0, 0, 0]
    # 00:30 and 3:30 Paris time on the day, on either side of the change: once.
    assert run_three_times(django_capture_on_commit_callbacks, at(billed, 0, 30)) == [1, 0, 0]
    assert run_three_times(django_capture_on_commit_callbacks, at(billed, 3, 30)) == [0, 0, 0]
    assert len(periods(contract)) == before + 1
    latest = Invoice.objects.filter(contract=contract).latest("pk")
    assert (latest.issue_date, latest.period_start) == (billed, billed)


def test_a_job_down_for_two_months_bills_each_missed_period_once(
    company, paris, admin, django_capture_on_commit_callbacks
):
    contract = contract_from(date(2027, 1, 15), company, paris, admin)
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2027, 3, 20))) == [2, 0, 0]
    assert [row[1] for row in periods(contract)] == [0, 1, 2]
    contract.refresh_from_db()
    assert contract.next_billing_on == date(2027, 4, 15)
    numbers = list(Invoice.objects.order_by("pk").values_list("number", flat=True))
    assert numbers == ["F2027-00001", "F2027-00002", "F2027-00003"]


# The invoice


def test_the_invoice_is_rendered_and_e_mailed_with_its_pdf(
    company, paris, admin, django_capture_on_commit_callbacks
):
    contract = contract_from(date(2027, 1, 10), company, paris, admin)
    mail.outbox.clear()
    run_three_times(django_capture_on_commit_callbacks, at(date(2027, 2, 10), 6))
    invoice = Invoice.objects.get(contract=contract, period_index=1)
    assert invoice.pdf
    assert invoice.due_date == date(2027, 2, 18)
    (message,) = [m for m in mail.outbox if m.to == ["paul@start.example"]]
    assert message.subject == f"Votre facture {invoice.number} – {paris}"
    assert "36,00\u00a0€ TTC" in message.body
    assert "du 10 février 2027 au 9 mars 2027" in message.body
    assert "À payer avant le 18 février 2027" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"Facture {invoice.number}.pdf", "application/pdf")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    for expected in [
        f"Facture n° {invoice.number}",
        paris.legal_name,
        paris.approval_number,
        f"Contrat de domiciliation n° {contract.number}",
        "période du 10 février 2027 au 9 mars 2027",
        "Domiciliation, 1 mois à 30,00",
        "30,00",
        "6,00",
        "36,00",
        "À payer avant le 18 février 2027",
    ]:
        assert expected in text.replace("\u00a0", " "), expected
    assert "acquittée" not in text
    assert contract.events.filter(note__startswith=f"Facture {invoice.number} émise").exists()


def test_options_and_a_quarterly_period_are_billed_as_lines(
    company, paris, admin, django_capture_on_commit_callbacks
):
    contract = contract_from(date(2027, 1, 10), company, paris, admin, billing_months=3)
    Contract.objects.filter(pk=contract.pk).update(
        mail_scan=True, mail_scan_price=Decimal("5.00"), forwarding="weekly",
        forwarding_price=Decimal("10.00"),
    )  # fmt: skip
    run_three_times(django_capture_on_commit_callbacks, at(date(2027, 4, 10)))
    invoice = Invoice.objects.get(contract=contract, period_index=1)
    assert [line[1] for line in invoice.line_items] == [
        Decimal("90.00"),
        Decimal("15.00"),
        Decimal("30.00"),
    ]
    assert invoice.amount_incl_tax == Decimal("162.00")
    assert invoice.monthly_excl_tax == Decimal("45.00")


def test_a_second_invoice_for_a_billed_period_is_refused_by_the_database(
    company, paris, admin, django_capture_on_commit_callbacks
):
    contract = contract_from(date(2027, 1, 10), company, paris, admin)
    run_three_times(django_capture_on_commit_callbacks, at(date(2027, 2, 10)))
    billed = Invoice.objects.get(contract=contract, period_index=1)
    # Whatever a bug or a concurrent run does, the period is billed once.
    Contract.objects.filter(pk=contract.pk).update(next_period=1, next_billing_on=date(2027, 2, 10))
    with (
        time_machine.travel(at(date(2027, 2, 10)), tick=False),
        pytest.raises(IntegrityError),
        transaction.atomic(),
    ):
        billing_batch([contract.pk], today=date(2027, 2, 10))
    assert Invoice.objects.filter(contract=contract, period_index=1).get() == billed
    # A cancelled invoice frees the period for the one replacing it.
    Invoice.objects.filter(pk=billed.pk).update(status=Invoice.Status.CANCELLED)
    with time_machine.travel(at(date(2027, 2, 10)), tick=False):
        assert len(billing_batch([contract.pk], today=date(2027, 2, 10))) == 1


def test_an_ended_contract_and_a_period_after_the_end_are_not_billed(
    company, paris, admin, django_capture_on_commit_callbacks
):
    contract = contract_from(date(2027, 1, 10), company, paris, admin)
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.NOTICE,
                                                   ends_on=date(2027, 2, 9))  # fmt: skip
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2027, 2, 10))) == [0, 0, 0]
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ENDED, ends_on=None)
    assert run_three_times(django_capture_on_commit_callbacks, at(date(2027, 2, 10))) == [0, 0, 0]


def test_a_batch_runs_the_same_queries_for_5_or_20_contracts(paris, admin):

    def bill(count: int, month: int) -> int:
        contracts = [
            contract_from(date(2027, month, 5), UserFactory(email=f"c{month}-{i}@x.example"),
                          paris, admin)
            for i in range(count)
        ]  # fmt: skip
        with (
            time_machine.travel(at(date(2027, month + 1, 5)), tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            issued = billing_batch([c.pk for c in contracts], today=date(2027, month + 1, 5))
        assert len(issued) == count
        return len(queries)

    assert bill(5, 1) == bill(20, 3)


# A payment racing the job


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_job_racing_a_payment_bills_once_and_loses_no_payment(
    migrated_data, company, paris, admin
):
    contract = contract_from(date(2027, 1, 10), company, paris, admin)
    with time_machine.travel(at(date(2027, 2, 10)), tick=False):
        billing_run()
        unpaid = Invoice.objects.get(contract=contract, period_index=1)
        Contract.objects.filter(pk=contract.pk).update(
            status=ContractStatus.SUSPENDED, suspended_at=timezone.now()
        )
    payment = invoice_payment_start(invoice=unpaid, method=Payment.Method.SIMULATED, actor=company)
    barrier = threading.Barrier(3)
    errors = []

    def run(action):
        barrier.wait()
        try:
            action()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(at(date(2027, 3, 10)), tick=False):
        threads = [
            threading.Thread(target=run, args=(billing_run,)),
            threading.Thread(target=run, args=(billing_run,)),
            threading.Thread(
                target=run,
                args=(lambda: invoice_payment_confirm(payment=payment, amount=payment.amount),),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    contract.refresh_from_db()
    unpaid.refresh_from_db()
    assert unpaid.status == Invoice.Status.PAID
    assert Invoice.objects.filter(contract=contract, period_index=2).count() == 1
    assert contract.next_period == 3
    assert contract.status == ContractStatus.RUNNING
