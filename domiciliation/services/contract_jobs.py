"""The running contracts' beat job, every half hour: renewals, the periods to bill, the
unpaid invoices (reminders, suspensions), the contracts past their last day; then the
safety net of the tasks queued on commit (an invoice or credit note without its PDF and
e-mail, a charge or a refund left without an answer, an ended contract without its
documents). Each step is idempotent: run three times, it does its work once."""

from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from ..models import (
    ACTIVE_STATUSES,
    CaseDocument,
    Contract,
    ContractStatus,
    CreditNote,
    Invoice,
    Payment,
)
from .billing import billing_run, invoice_deliver
from .contracts import contract_renew
from .credit_notes import credit_note_deliver, credit_note_refund
from .invoice_payments import CHARGE_RETRY_AFTER, invoice_charge
from .termination import contract_end_finalize, contracts_end_due
from .unpaid import unpaid_run

CATCH_UP_AFTER = timedelta(minutes=10)
CATCH_UP_BATCH = 50


def contracts_run(*, today: date | None = None) -> dict[str, int]:
    """The beat job. Returns how many of each thing it did."""
    today = today or timezone.localdate()
    renewable = Contract.objects.filter(
        status__in=ACTIVE_STATUSES, term_ends_on__lt=today
    ).values_list("pk", flat=True)
    done = {"renewed": sum(contract_renew(contract_id=pk, today=today) for pk in list(renewable))}
    done["invoices"] = billing_run(today=today)
    done |= unpaid_run(today=today)
    done["ended"] = contracts_end_due(today=today)
    done["caught_up"] = contracts_catch_up()
    return done


def contracts_catch_up(*, now=None) -> int:
    """Does what a lost task (broker down, worker killed) left undone, well after it was
    due. Returns how many things it did."""
    late = (now or timezone.now()) - CATCH_UP_AFTER
    done = 0
    invoices = Invoice.objects.filter(pdf="", created_at__lt=late).exclude(kind=Invoice.Kind.FIRST)
    for pk in list(invoices.values_list("pk", flat=True)[:CATCH_UP_BATCH]):
        invoice_deliver(invoice_id=pk)
        done += 1
    credit_notes = CreditNote.objects.filter(pdf="", created_at__lt=late)
    for pk in list(credit_notes.values_list("pk", flat=True)[:CATCH_UP_BATCH]):
        credit_note_deliver(credit_note_id=pk)
        done += 1
    refunds = CreditNote.objects.filter(
        refund_due=True, refunded_at__isnull=True, created_at__lt=late
    ).exclude(invoice__payment__method=Payment.Method.TRANSFER)
    for pk in list(refunds.values_list("pk", flat=True).distinct()[:CATCH_UP_BATCH]):
        done += credit_note_refund(credit_note_id=pk).refunded_at is not None
    # Charges: an unpaid invoice issued while the contract had a saved method (whose task
    # was lost), never tried, or tried without an answer from the provider.
    unanswered = Payment.objects.filter(
        invoice=OuterRef("pk"),
        saved_method__isnull=False,
        status=Payment.Status.PENDING,
        provider_payment_id="",
        created_at__lt=(now or timezone.now()) - CHARGE_RETRY_AFTER,
    )
    tried = Payment.objects.filter(invoice=OuterRef("pk"), saved_method__isnull=False)
    to_charge = (
        Invoice.objects.filter(
            status__in=Invoice.UNPAID,
            created_at__lt=late,
            contract__payment_methods__is_active=True,
            contract__payment_methods__created_at__lt=F("created_at"),
            contract__status__in=[ContractStatus.RUNNING, ContractStatus.NOTICE,
                                  ContractStatus.SUSPENDED],
        )
        .filter(Exists(unanswered) | ~Exists(tried))
        .values_list("pk", flat=True)
    )  # fmt: skip
    for pk in list(to_charge[:CATCH_UP_BATCH]):
        invoice_charge(invoice_id=pk)
        done += 1
    ended = Contract.objects.filter(status=ContractStatus.ENDED, ended_at__lt=late).exclude(
        case__documents__kind=CaseDocument.Kind.END_ATTESTATION
    )
    for pk in list(ended.values_list("pk", flat=True)[:CATCH_UP_BATCH]):
        contract_end_finalize(contract_id=pk)
        done += 1
    return done
