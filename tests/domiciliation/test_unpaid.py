"""Unpaid invoices: a reminder on the due date and a week later (e-mail and SMS, each
once however often the job runs), the mail services suspended after the configurable
delay and back when the invoice is paid, the domiciliataire's list of unpaid invoices,
termination for non-payment only with an overdue invoice."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from domiciliation.models import ContractStatus, Invoice, Payment, Termination
from domiciliation.services.billing import billing_run
from domiciliation.services.contract_jobs import contracts_run
from domiciliation.services.invoice_payments import invoice_record_transfer
from domiciliation.services.termination import contract_terminate
from notifications import sms
from tests.domiciliation.factories import at, signed_contract

pytestmark = pytest.mark.django_db

PARIS = timezone.get_current_timezone()


@pytest.fixture
def unpaid(company, paris, admin, django_capture_on_commit_callbacks):
    """A monthly contract signed on 10 January 2027 whose second invoice (issued on 10
    February, due on the 18th) is not paid."""
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        contract = signed_contract(company, [paris], admin, billing_months=1)
    with (
        time_machine.travel(at(date(2027, 2, 10)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        billing_run()
    mail.outbox.clear()
    sms.outbox.clear()
    return Invoice.objects.get(contract=contract, period_index=1)


def run(capture, day: date, times: int = 3):
    with time_machine.travel(at(day), tick=False):
        for _ in range(times):
            with capture(execute=True):
                contracts_run()


def reminders():
    to_company = [m for m in mail.outbox if m.to == ["paul@start.example"]]
    return [m for m in to_company if "Relance" in m.subject or "aujourd’hui" in m.subject]


def test_reminders_go_once_each_then_the_services_are_suspended(
    unpaid, admin, settings, django_capture_on_commit_callbacks
):
    settings.CONTRACT_SUSPEND_AFTER_DAYS = 15
    contract = unpaid.contract
    run(django_capture_on_commit_callbacks, date(2027, 2, 17))
    assert reminders() == []
    run(django_capture_on_commit_callbacks, date(2027, 2, 18))
    (first,) = reminders()
    assert first.subject == f"Facture {unpaid.number} à payer aujourd’hui"
    assert "seront suspendus le 5 mars 2027" in first.body
    assert len([s for s in sms.outbox if unpaid.number in s["text"]]) == 1
    unpaid.refresh_from_db()
    assert (unpaid.status, unpaid.reminders_sent) == (Invoice.Status.OVERDUE, 1)
    run(django_capture_on_commit_callbacks, date(2027, 2, 25))
    assert [m.subject for m in reminders()][1] == f"Relance\u00a0: facture {unpaid.number} impayée"
    assert len(reminders()) == 2
    assert len([s for s in sms.outbox if unpaid.number in s["text"]]) == 2
    run(django_capture_on_commit_callbacks, date(2027, 3, 4))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.RUNNING
    run(django_capture_on_commit_callbacks, date(2027, 3, 5))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SUSPENDED
    assert contract.mail_services_suspended
    assert contract.receives_mail
    assert contract.events.filter(to_status=ContractStatus.SUSPENDED).count() == 1
    suspended = [m for m in mail.outbox if "suspendu" in m.subject]
    assert sorted(m.to[0] for m in suspended) == ["admin@paris.example", "paul@start.example"]
    assert len(reminders()) == 2


def test_the_suspension_delay_is_a_setting(unpaid, settings, django_capture_on_commit_callbacks):
    settings.CONTRACT_SUSPEND_AFTER_DAYS = 3
    run(django_capture_on_commit_callbacks, date(2027, 2, 21))
    unpaid.contract.refresh_from_db()
    assert unpaid.contract.status == ContractStatus.SUSPENDED


def test_paid_the_contract_runs_again(unpaid, agent, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks, date(2027, 3, 6))
    contract = unpaid.contract
    contract.refresh_from_db()
    assert contract.is_suspended
    with (
        time_machine.travel(at(date(2027, 3, 7)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invoice_record_transfer(
            invoice=unpaid,
            amount=unpaid.amount_incl_tax,
            received_on=date(2027, 3, 7),
            reference="VIR",
            actor=agent,
        )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.RUNNING
    assert any("rétablis" in m.subject for m in mail.outbox)


def test_no_reminder_nor_suspension_while_a_sepa_debit_is_under_way(
    unpaid, django_capture_on_commit_callbacks
):
    Payment.objects.create(
        case_id=unpaid.case_id,
        invoice=unpaid,
        method=Payment.Method.STRIPE,
        amount=unpaid.amount_incl_tax,
        provider_payment_id="pi_sepa",
        saved_method=unpaid.contract.payment_methods.create(
            gateway="stripe", kind="sepa_debit", label="SEPA", method_id="pm"
        ),
    )
    run(django_capture_on_commit_callbacks, date(2027, 3, 10))
    assert reminders() == []
    unpaid.contract.refresh_from_db()
    assert unpaid.contract.is_running


def test_the_provider_sees_its_unpaid_invoices(client, unpaid, agent, lyon):
    with time_machine.travel(at(date(2027, 2, 20))):
        client.force_login(agent)
        page = client.get(reverse("domiciliation_provider:contract_unpaid")).content.decode()
        assert unpaid.number in page
        assert "Nouvelle Start" in page
        assert "18 février 2027" in page
        client.force_login(lyon.organization.memberships.get().user)
        page = client.get(reverse("domiciliation_provider:contract_unpaid")).content.decode()
    assert unpaid.number not in page


def test_termination_for_non_payment_needs_an_overdue_invoice(
    unpaid, admin, django_capture_on_commit_callbacks
):
    from domiciliation.services.contracts import ContractRefused

    with (
        time_machine.travel(at(date(2027, 2, 12)), tick=False),
        pytest.raises(ContractRefused, match="en retard"),
    ):
        contract_terminate(
            contract=unpaid.contract,
            termination=Termination.NON_PAYMENT,
            ends_on=date(2027, 3, 31),
            note="Impayé",
            actor=admin,
        )
    run(django_capture_on_commit_callbacks, date(2027, 3, 6))
    with (
        time_machine.travel(at(date(2027, 3, 6)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        contract = contract_terminate(
            contract=unpaid.contract,
            termination=Termination.NON_PAYMENT,
            ends_on=date(2027, 3, 31),
            note="Facture de février impayée malgré deux relances",
            actor=admin,
        )
    # Still suspended, with its end date; the company has its notice.
    assert (contract.status, contract.ends_on) == (ContractStatus.SUSPENDED, date(2027, 3, 31))
    notice = [m for m in mail.outbox if m.subject.startswith("Fin de votre contrat")]
    assert "Résiliation pour impayé" in notice[0].body
    assert "malgré deux relances" in notice[0].body
    assert timezone.now()  # the clock is back
    assert date(2027, 3, 6) + timedelta(days=15) <= contract.ends_on
