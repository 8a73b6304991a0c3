"""Unpaid invoices of running contracts: a reminder on the due date and another a week
later (e-mail and SMS, each once), then, CONTRACT_SUSPEND_AFTER_DAYS after the due
date, the mail services suspended until the company pays; paid, the contract runs
again. The beat job runs every half hour; every step happens once, however often it
runs, and is checked again under the contract's lock (a payment may have arrived)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from common.formats import french_date

from ..models import Contract, ContractStatus, Invoice, Payment
from .billing import invoice_move
from .contracts import (
    NBSP,
    contract_lock,
    contract_log,
    contract_move,
    notify_contract_company,
    notify_contract_provider,
)

# (level, days after the due date): the latest first, so that an invoice found late gets
# the last reminder only.
REMINDERS = [(2, 7), (1, 0)]
BATCH_SIZE = 200


def suspension_date(invoice: Invoice) -> date:
    return invoice.due_date + timedelta(days=settings.CONTRACT_SUSPEND_AFTER_DAYS)


def _pending_payment():
    """A payment under way (a SEPA debit takes days): no reminder, no suspension."""
    return Exists(Payment.objects.filter(invoice=OuterRef("pk"), status=Payment.Status.PENDING))


def _lock_invoice(contract: Contract, invoice_id: int) -> Invoice:
    return Invoice.objects.select_for_update(of=("self",)).get(pk=invoice_id, contract=contract)


@transaction.atomic
def invoice_remind(*, invoice_id: int, level: int, today: date) -> bool:
    """Sends the reminder of `level` if the invoice is still unpaid, nothing is under
    way and it was not sent; the first one marks the invoice overdue."""
    contract_id = Invoice.objects.values_list("contract_id", flat=True).get(pk=invoice_id)
    contract = contract_lock(Contract(pk=contract_id))
    invoice = _lock_invoice(contract, invoice_id)
    after = dict(REMINDERS)[level]
    if (
        not invoice.is_unpaid
        or invoice.reminders_sent >= level
        or invoice.due_date + timedelta(days=after) > today
        or invoice.payments.filter(status=Payment.Status.PENDING).exists()
    ):
        return False
    invoice.reminders_sent = level
    invoice.save(update_fields=["reminders_sent"])
    if invoice.status == Invoice.Status.ISSUED:
        invoice_move(invoice, Invoice.Status.OVERDUE, note="Échéance dépassée")
    contract_log(
        contract,
        f"Facture {invoice.number} impayée à son échéance du {french_date(invoice.due_date)}"
        f"{NBSP}: relance {level}",
    )
    notify_contract_company(
        contract,
        "domiciliation_invoice_reminder",
        {
            "invoice": invoice,
            "level": level,
            "suspension_on": suspension_date(invoice),
            "suspended": contract.is_suspended,
        },
        key=f"reminder:{invoice.public_id}:{level}",
        sms=True,
    )
    return True


@transaction.atomic
def contract_suspend(*, contract_id: int, today: date) -> bool:
    """Suspends the mail services of a contract with an invoice still unpaid
    CONTRACT_SUSPEND_AFTER_DAYS after its due date; both parties are told."""
    contract = contract_lock(Contract(pk=contract_id))
    if contract.status not in (ContractStatus.RUNNING, ContractStatus.NOTICE):
        return False
    invoice = _long_unpaid(contract, today).first()
    if invoice is None:
        return False
    contract = contract_move(
        contract,
        ContractStatus.SUSPENDED,
        actor=None,
        note=f"Facture {invoice.number} impayée depuis le {french_date(invoice.due_date)}"
        f"{NBSP}: services courrier suspendus",
        suspended_at=timezone.now(),
    )
    context = {"invoice": invoice}
    key = f"suspended:{invoice.public_id}"
    notify_contract_company(
        contract, "domiciliation_contract_suspended", context, key=key, sms=True
    )
    notify_contract_provider(
        contract, "domiciliation_contract_suspended_provider", context, key=key
    )
    return True


def _long_unpaid(contract: Contract, today: date):
    """The contract's invoices unpaid past the suspension delay, with nothing under way."""
    limit = today - timedelta(days=settings.CONTRACT_SUSPEND_AFTER_DAYS)
    return (
        contract.invoices.filter(status__in=Invoice.UNPAID, due_date__lte=limit)
        .exclude(_pending_payment())
        .order_by("due_date", "pk")
    )


def contract_resume_if_settled(contract: Contract, *, actor=None) -> Contract:
    """A suspended contract (locked) runs again, or goes back to its notice, once no
    invoice is unpaid past the suspension delay."""
    if not contract.is_suspended or _long_unpaid(contract, timezone.localdate()).exists():
        return contract
    to = ContractStatus.NOTICE if contract.ends_on else ContractStatus.RUNNING
    contract = contract_move(
        contract, to, actor=actor, note="Impayé réglé\u00a0: services courrier rétablis"
    )
    notify_contract_company(
        contract,
        "domiciliation_contract_resumed",
        {},
        # Once per suspension.
        key=f"resumed:{(contract.suspended_at or contract.updated_at):%Y%m%d%H%M%S}",
        actor=actor,
    )
    return contract


def _in_batches(queryset, handle) -> int:
    done, last = 0, 0
    while True:
        ids = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not ids:
            return done
        for pk in ids:
            done += handle(pk)
        last = ids[-1]


def unpaid_run(*, today: date | None = None) -> dict[str, int]:
    """The beat job's unpaid part: due reminders, then suspensions."""
    today = today or timezone.localdate()
    unpaid = Invoice.objects.filter(status__in=Invoice.UNPAID, contract__isnull=False).exclude(
        _pending_payment()
    )
    done = {}
    for level, after in REMINDERS:
        due = unpaid.filter(reminders_sent__lt=level, due_date__lte=today - timedelta(days=after))
        done[f"reminders_{level}"] = _in_batches(
            due,
            lambda pk, level=level: invoice_remind(invoice_id=pk, level=level, today=today),
        )
    limit = today - timedelta(days=settings.CONTRACT_SUSPEND_AFTER_DAYS)
    to_suspend = Contract.objects.filter(
        status__in=[ContractStatus.RUNNING, ContractStatus.NOTICE],
        invoices__status__in=Invoice.UNPAID,
        invoices__due_date__lte=limit,
    ).distinct()
    done["suspended"] = _in_batches(
        to_suspend, lambda pk: contract_suspend(contract_id=pk, today=today)
    )
    return done
