"""Recurring invoices of running contracts. The beat job bills every period on its first
day, in batches of contracts locked and billed in one transaction with a fixed number of
queries (numbers allocated in one block per domiciliataire and year); however often it
runs, a period is billed once: the contract's next period moves under its lock, and a
unique constraint on (contract, period) refuses a second invoice anyway. Each invoice's
PDF is rendered and e-mailed by a task, and charged to the saved payment method by
another. An option added during a period is billed at once, pro rata."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from sequences import get_next_values

from common.exceptions import TransitionRefused
from common.formats import french_date
from common.money import format_euros
from common.queue import enqueue, enqueue_on_commit
from common.transitions import status_move

from ..models import Contract, ContractEvent, Invoice, SavedPaymentMethod
from ..periods import days, period_bounds, period_index_on, prorata
from ..pricing import Charge, charge, period_charge
from .contracts import NBSP, ContractRefused, contract_log
from .documents import attachment_of, invoice_document

BATCH_SIZE = 200
# The contract fields announced changes of terms set, applied when a period is billed.
TERMS_FIELDS = [
    "monthly_price",
    "mail_scan",
    "mail_scan_price",
    "forwarding",
    "forwarding_price",
    "pending_terms",
    "pending_from",
    "updated_at",
]


class InvoiceMoveRefused(ContractRefused, TransitionRefused):
    """A status change that Invoice.TRANSITIONS does not allow."""


def invoice_move(invoice: Invoice, to_status: str, *, actor=None, note: str = "", **changes):
    """Moves an invoice (issued → paid | overdue → paid; any → cancelled by a credit
    note) under its row lock, with its event row."""

    def refused(from_status, to):
        return InvoiceMoveRefused(
            f"La facture {invoice.number} est «{NBSP}{Invoice.Status(from_status).label}"
            f"{NBSP}»{NBSP}: elle ne peut pas passer à «{NBSP}{Invoice.Status(to).label}{NBSP}»."
        )

    return status_move(
        invoice,
        to_status,
        transitions=Invoice.TRANSITIONS,
        refused=refused,
        actor=actor,
        note=note,
        **changes,
    )


def due_date_of(issue_date: date) -> date:
    """An invoice of the contract is due CONTRACT_INVOICE_DUE_DAYS after it is issued."""
    return issue_date + timedelta(days=settings.CONTRACT_INVOICE_DUE_DAYS)


def _invoice(contract: Contract, kind: str, billed: Charge, *, today: date, **fields) -> Invoice:
    """An unsaved invoice of the contract, numbered by _number()."""
    return Invoice(
        provider_id=contract.provider_id,
        case_id=contract.case_id,
        contract=contract,
        kind=kind,
        status=Invoice.Status.ISSUED,
        issue_date=today,
        due_date=due_date_of(today),
        lines=billed.lines_data,
        rent_excl_tax=billed.excl_tax,
        setup_fee_excl_tax=0,
        amount_excl_tax=billed.excl_tax,
        vat_amount=billed.vat,
        amount_incl_tax=billed.incl_tax,
        **fields,
    )


def _number(invoices: list[Invoice]) -> None:
    """Gives each invoice the next number of its domiciliataire's sequence for the year,
    one block per (domiciliataire, year): the numbers follow the list's order without a
    gap, and a rollback gives the whole block back."""
    groups = defaultdict(list)
    for invoice in invoices:
        groups[(invoice.provider_id, invoice.issue_date.year)].append(invoice)
    for (provider_id, year), group in groups.items():
        numbers = get_next_values(len(group), f"domiciliation-invoice-{provider_id}-{year}")
        for invoice, number in zip(group, numbers, strict=True):
            invoice.number = f"F{year}-{number:05d}"


def _queue_after_issue(invoices: list[Invoice], charged: set[int]) -> None:
    for invoice in invoices:
        enqueue_on_commit("domiciliation.tasks.deliver_invoice", invoice.pk)
        if invoice.contract_id in charged:
            enqueue_on_commit("domiciliation.tasks.charge_invoice", invoice.pk)


def _advance(contracts: list[Contract], billed: dict[int, int], changed: list, now) -> None:
    """Writes each contract's next period: one UPDATE per (periods billed, next billing
    date), a handful per batch whatever its size (contracts due on one day mostly move to
    one date; the clamped ends of months and the billing periods make the others), much
    cheaper than bulk_update's CASE over every row. Changed terms, rare, are saved with
    bulk_update."""
    groups = defaultdict(list)
    for contract in contracts:
        groups[(billed[contract.pk], contract.next_billing_on)].append(contract.pk)
    for (count, next_billing_on), ids in groups.items():
        Contract.objects.filter(pk__in=ids).update(
            next_period=F("next_period") + count, next_billing_on=next_billing_on, updated_at=now
        )
    if changed:
        for contract in changed:
            contract.updated_at = now
        Contract.objects.bulk_update(changed, TERMS_FIELDS)


def _due_periods(contract: Contract, today: date, now) -> tuple[list[Invoice], list]:
    """The invoices of every period of `contract` due on or before `today` (one, unless
    the job was down), with the timeline lines; moves the contract's next period."""
    invoices, events = [], []
    while contract.next_billing_on <= today and (
        contract.ends_on is None or contract.next_billing_on <= contract.ends_on
    ):
        first, last = period_bounds(contract.starts_on, contract.billing_months,
                                    contract.next_period)  # fmt: skip
        if contract.apply_pending_terms(first):
            events.append(ContractEvent(contract=contract, created_at=now,
                                        note="Nouvelles conditions appliquées à partir du "
                                        + french_date(first)))  # fmt: skip
        billed_last = min(last, contract.ends_on) if contract.ends_on else last
        invoices.append(
            _invoice(
                contract,
                Invoice.Kind.PERIOD,
                period_charge(contract, first, last, billed_last),
                today=today,
                period_index=contract.next_period,
                period_start=first,
                period_end=billed_last,
                monthly_excl_tax=contract.monthly_total,
            )
        )
        contract.next_period += 1
        contract.next_billing_on = period_bounds(
            contract.starts_on, contract.billing_months, contract.next_period
        )[0]
    return invoices, events


@transaction.atomic
def billing_batch(contract_ids: list[int], *, today: date) -> list[Invoice]:
    """Bills the due periods of these contracts in one transaction: the contracts are
    locked and read again (a run or a payment that got there first is seen), the
    invoices created, numbered and written on the timelines, the PDF, e-mail and
    off-session charge of each queued on commit. A fixed number of queries whatever the
    number of contracts: one per domiciliataire and year for the numbers."""
    now = timezone.now()
    contracts = list(
        Contract.objects.select_for_update(of=("self",))
        .to_bill(today)
        .filter(pk__in=contract_ids)
        .order_by("pk")
    )
    invoices, events, billed, changed = [], [], {}, []
    for contract in contracts:
        pending = bool(contract.pending_terms)
        issued, notes = _due_periods(contract, today, now)
        invoices += issued
        events += notes
        billed[contract.pk] = len(issued)
        if pending and not contract.pending_terms:
            changed.append(contract)
    if not invoices:
        return []
    _number(invoices)
    Invoice.objects.bulk_create(invoices)
    _advance(contracts, billed, changed, now)
    events += [
        ContractEvent(
            contract_id=invoice.contract_id,
            created_at=now,
            note=(
                f"Facture {invoice.number} émise{NBSP}: {format_euros(invoice.amount_incl_tax)}"
                f" TTC, du {french_date(invoice.period_start)} au "
                f"{french_date(invoice.period_end)}, à payer avant le "
                f"{french_date(invoice.due_date)}"
            ),
        )
        for invoice in invoices
    ]
    ContractEvent.objects.bulk_create(events)
    charged = set(
        SavedPaymentMethod.objects.filter(
            contract_id__in=[c.pk for c in contracts], is_active=True
        ).values_list("contract_id", flat=True)
    )
    # One message for the batch: the task queues each invoice's PDF, e-mail and charge.
    enqueue_on_commit(
        "domiciliation.tasks.after_billing",
        [invoice.pk for invoice in invoices],
        [invoice.pk for invoice in invoices if invoice.contract_id in charged],
    )
    return invoices


def after_billing(*, invoice_ids: list[int], charged_ids: list[int]) -> None:
    """The task after a batch: one task per invoice to render and e-mail it, and one per
    invoice to charge to the saved method (each retried and caught up on its own)."""
    for invoice_id in invoice_ids:
        enqueue("domiciliation.tasks.deliver_invoice", invoice_id)
    for invoice_id in charged_ids:
        enqueue("domiciliation.tasks.charge_invoice", invoice_id)


def billing_run(*, today: date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """The beat job: bills every contract with a period starting on or before `today`
    (Paris), BATCH_SIZE contracts per transaction. Returns how many invoices it issued;
    run again, it issues none."""
    today = today or timezone.localdate()
    issued, last = 0, 0
    while True:
        ids = list(
            Contract.objects.to_bill(today)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return issued
        issued += len(billing_batch(ids, today=today))
        last = ids[-1]


def option_invoice_issue(*, contract: Contract, label: str, monthly, today: date):
    """Bills an option added during a period already billed: its monthly price for the
    days left in that period, from today (call under the contract's lock). Nothing when
    the period is not billed yet (its invoice will include the option)."""
    start = max(today, contract.starts_on)
    index = period_index_on(contract.starts_on, contract.billing_months, start)
    if index >= contract.next_period or not monthly:
        return None
    first, last = period_bounds(contract.starts_on, contract.billing_months, index)
    if contract.ends_on is not None:
        last = min(last, contract.ends_on)
    if last < start:
        return None
    amount = prorata(monthly * contract.billing_months, days(start, last), days(first, last))
    billed = charge(
        [(f"{label}, du {french_date(start)} au {french_date(last)} (prorata)", amount)]
    )
    invoice = _invoice(
        contract,
        Invoice.Kind.OPTION,
        billed,
        today=today,
        period_index=index,
        period_start=start,
        period_end=last,
        monthly_excl_tax=monthly,
    )
    _number([invoice])
    invoice.save()
    contract_log(
        contract,
        f"Facture {invoice.number} émise{NBSP}: {format_euros(invoice.amount_incl_tax)} TTC "
        f"({label}, prorata)",
    )
    charged = {contract.pk} if contract.payment_methods.filter(is_active=True).exists() else set()
    _queue_after_issue([invoice], charged)
    return invoice


def invoice_issue_for(
    contract: Contract, billed: Charge, *, today: date, kind: str = Invoice.Kind.PERIOD, **fields
) -> Invoice:
    """One invoice of the contract issued now (the last period pro rata after a
    cancellation): numbered, written on the timeline, its PDF and e-mail queued."""
    invoice = _invoice(contract, kind, billed, today=today, **fields)
    _number([invoice])
    invoice.save()
    contract_log(
        contract,
        f"Facture {invoice.number} émise{NBSP}: {format_euros(invoice.amount_incl_tax)} TTC, "
        f"du {french_date(invoice.period_start)} au {french_date(invoice.period_end)}",
    )
    _queue_after_issue([invoice], set())
    return invoice


@transaction.atomic
def invoice_deliver(*, invoice_id: int) -> Invoice:
    """The task after an invoice of a contract is issued: its PDF rendered once, then
    e-mailed to the company with the PDF attached, once."""
    from .contracts import notify_contract_company

    invoice = invoice_document(invoice_id=invoice_id)
    if invoice.contract_id is None or invoice.kind == Invoice.Kind.FIRST:
        return invoice
    contract = Contract.objects.select_related("case__client_file", "provider", "owner").get(
        pk=invoice.contract_id
    )
    notify_contract_company(
        contract,
        "domiciliation_invoice_issued",
        {
            "invoice": invoice,
            "auto_charge": contract.payment_methods.filter(is_active=True).first(),
        },
        key=f"invoice:{invoice.public_id}",
        attachments=[attachment_of(invoice.pdf, f"Facture {invoice.number}.pdf")],
    )
    return invoice
