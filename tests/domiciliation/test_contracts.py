"""The contract itself: opened when both parties have signed, with the terms of the case
as decided (never the file as edited since); the data migration that opens one for every
case already signed; the domiciliataire's changes of price and options (announced, from
the next period; an option added billed pro rata at once)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from domiciliation.models import Contract, ContractStatus, Forwarding, Invoice, Signature
from domiciliation.services.billing import billing_run
from domiciliation.services.cases import case_lock
from domiciliation.services.contracts import ContractRefused, contract_change_terms
from domiciliation.services.signatures import case_sign
from tests.domiciliation.factories import at, paid_case, signed_contract

pytestmark = pytest.mark.django_db

PARIS = timezone.get_current_timezone()


def test_the_contract_opens_with_the_terms_the_case_was_decided_on(company, paris, admin):
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        case = paid_case(company, [paris], admin, billing_months=3, duration_months=12)
        # The company edits its file after the decision: the contract never sees it.
        client_file = case.client_file
        client_file.company_name = "Autre Nom"
        client_file.mail_handling = "forward_weekly"
        client_file.save()
    with time_machine.travel(at(date(2027, 1, 12)), tick=False), transaction.atomic():
        Signature.objects.filter(case=case).update(signed_at=timezone.now())
        case_sign(case_lock(case), actor=admin)
    contract = Contract.objects.get(case=case)
    assert contract.number == "C-00001"
    assert contract.company_name == "Nouvelle Start"
    assert (contract.mail_scan, contract.forwarding) == (True, Forwarding.NONE)
    assert contract.starts_on == date(2027, 1, 12)
    assert (contract.billing_months, contract.initial_months) == (3, 12)
    assert contract.monthly_price == Decimal("30.00")
    assert contract.next_billing_on == date(2027, 4, 12)
    assert contract.term_ends_on == date(2028, 1, 11)
    assert contract.owner == company
    first = case.issued_invoice
    first.refresh_from_db()
    assert (first.contract, first.period_index, first.period_start, first.period_end) == (
        contract,
        0,
        date(2027, 1, 12),
        date(2027, 4, 11),
    )
    assert contract.events.get(to_status=ContractStatus.RUNNING).note.startswith(
        "Contrat C-00001 signé, à partir du 12 janvier 2027"
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_opens_a_contract_for_every_signed_case(migrated_data, company, paris, admin):
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        case = paid_case(company, [paris], admin, billing_months=1)
    first_invoice = case.issued_invoice
    executor = MigrationExecutor(connection)
    before = [("domiciliation", "0010_contract_invoices_credit_notes")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    # A case signed before the contract existed, its invoice pointing at its payment.
    apps.get_model("domiciliation", "Case").objects.filter(pk=case.pk).update(
        status="signed", signed_at=at(date(2027, 1, 12)), contract_starts_on=date(2027, 1, 12)
    )
    apps.get_model("domiciliation", "Invoice").objects.filter(pk=first_invoice.pk).update(
        payment_id=case.payments.get().pk, kind="first"
    )
    apps.get_model("domiciliation", "Payment").objects.update(invoice_id=None)
    with time_machine.travel(at(date(2027, 3, 20)), tick=False):
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    contract = Contract.objects.get(case=case)
    # 12 February and 12 March began before the portal billed: billing starts on 12 April.
    assert contract.next_period == 3
    assert contract.next_billing_on == date(2027, 4, 12)
    assert contract.events.get().note.startswith("Contrat repris dans le portail")
    first_invoice.refresh_from_db()
    assert (first_invoice.contract, first_invoice.status) == (contract, Invoice.Status.PAID)
    assert first_invoice.payments.get() == case.payments.get()


# Price and options


@pytest.fixture
def contract(company, paris, admin):
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        return signed_contract(company, [paris], admin, billing_months=1)


def test_a_new_price_is_announced_and_billed_from_the_next_period(
    contract, admin, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with (
        time_machine.travel(at(date(2027, 1, 20)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        contract = contract_change_terms(
            contract=contract, monthly_price=Decimal("35.00"), mail_scan=True,
            mail_scan_price=Decimal("0"), forwarding="none", forwarding_price=Decimal("0"),
            actor=admin,
        )  # fmt: skip
    assert contract.monthly_price == Decimal("30.00")
    assert contract.pending_from == date(2027, 2, 10)
    (notice,) = [m for m in mail.outbox if m.to == ["paul@start.example"]]
    assert (
        notice.subject
        == f"Nouvelles conditions de votre contrat de domiciliation – {contract.provider}"
    )
    assert (
        "À partir du 10 février 2027 (prochaine période)\u00a0: 35,00\u00a0€ HT par mois"
        in notice.body
    )
    assert contract.next_invoice.excl_tax == Decimal("35.00")
    with time_machine.travel(at(date(2027, 2, 10)), tick=False):
        billing_run()
    contract.refresh_from_db()
    assert (contract.monthly_price, contract.pending_terms) == (Decimal("35.00"), {})
    assert Invoice.objects.get(contract=contract, period_index=1).amount_excl_tax == Decimal(
        "35.00"
    )


def test_an_option_added_during_a_period_is_billed_pro_rata(
    contract, admin, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(at(date(2027, 1, 25)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        contract = contract_change_terms(
            contract=contract, monthly_price=Decimal("30.00"), mail_scan=True,
            mail_scan_price=Decimal("0"), forwarding="weekly", forwarding_price=Decimal("12.40"),
            actor=admin,
        )  # fmt: skip
    assert contract.forwarding == Forwarding.WEEKLY
    option = Invoice.objects.get(contract=contract, kind=Invoice.Kind.OPTION)
    # 25 January to 9 February: 16 days of 31: 12,40 × 16 / 31 = 6,40 € HT.
    assert (option.period_start, option.period_end) == (date(2027, 1, 25), date(2027, 2, 9))
    assert option.amount_excl_tax == Decimal("6.40")
    assert option.pdf
    with time_machine.travel(at(date(2027, 2, 10)), tick=False):
        billing_run()
    assert Invoice.objects.get(contract=contract, period_index=1).amount_excl_tax == Decimal(
        "42.40"
    )


def test_unchanged_terms_or_an_ended_contract_are_refused(contract, admin):
    terms = {"monthly_price": Decimal("30.00"), "mail_scan": True, "mail_scan_price": Decimal("0"),
             "forwarding": "none", "forwarding_price": Decimal("0")}  # fmt: skip
    with pytest.raises(ContractRefused, match="déjà celles"):
        contract_change_terms(contract=contract, actor=admin, **terms)
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ENDED)
    with pytest.raises(ContractRefused, match="terminé"):
        contract_change_terms(contract=contract, actor=admin, **{**terms, "monthly_price": 40})
