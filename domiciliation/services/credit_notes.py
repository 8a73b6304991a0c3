"""Credit notes (« avoirs »): an issued invoice is never edited nor deleted; a refund, a
period the domiciliataire cancels or the unused days after a contract's end are credited
by a credit note, numbered without gaps in its own sequence per domiciliataire and year.
A credit note on a paid invoice is money owed back: refunded through the provider that
took it (a task, with an idempotency key per credit note), or by a transfer the
domiciliataire records."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from sequences import get_next_value

from accounts.models import User
from common.money import format_euros
from common.queue import enqueue_on_commit

from ..models import Contract, CreditNote, Invoice, Payment
from ..pricing import Charge, charge
from .billing import invoice_move
from .cases import case_log
from .contracts import NBSP, ContractRefused, contract_lock, contract_log
from .documents import attachment_of, credit_note_document


class CreditNoteRefused(ContractRefused):
    """A credit note the invoice does not allow (more than is left to credit)."""


def credited_incl_tax(invoice: Invoice) -> Decimal:
    return invoice.credit_notes.aggregate(total=Sum("amount_incl_tax"))["total"] or Decimal("0.00")


def settling_payment(invoice: Invoice) -> Payment | None:
    return invoice.payments.filter(status=Payment.Status.SUCCEEDED).first()


def _log(invoice: Invoice, note: str, *, actor) -> None:
    if invoice.contract_id:
        contract_log(invoice.contract, note, actor=actor)
    else:
        case_log(invoice.case, note, actor=actor)


def credit_note_issue(
    *,
    invoice: Invoice,
    reason: str,
    credited: Charge,
    note: str = "",
    actor: User | None = None,
    refunded: bool = False,
) -> CreditNote:
    """Issues a credit note on `invoice` (locked by the caller) for `credited`, never more
    than is left to credit; on a paid invoice the amount is owed back (already given
    back when `refunded`). Its PDF and e-mail are queued."""
    left = invoice.amount_incl_tax - credited_incl_tax(invoice)
    if credited.incl_tax <= 0 or credited.incl_tax > left:
        raise CreditNoteRefused(
            f"La facture {invoice.number} n’a plus que {format_euros(left)} à créditer."
        )
    today = timezone.localdate()
    sequence = get_next_value(f"domiciliation-credit-note-{invoice.provider_id}-{today.year}")
    credit_note = CreditNote.objects.create(
        provider_id=invoice.provider_id,
        case_id=invoice.case_id,
        contract_id=invoice.contract_id,
        invoice=invoice,
        number=f"A{today.year}-{sequence:05d}",
        issue_date=today,
        reason=reason,
        note=note[:300],
        lines=credited.lines_data,
        amount_excl_tax=credited.excl_tax,
        vat_amount=credited.vat,
        amount_incl_tax=credited.incl_tax,
        refund_due=invoice.is_paid,
        refunded_at=timezone.now() if refunded else None,
    )
    _log(
        invoice,
        f"Avoir {credit_note.number} émis sur la facture {invoice.number}{NBSP}: "
        f"{format_euros(credit_note.amount_incl_tax)} TTC ({credit_note.get_reason_display()})",
        actor=actor,
    )
    enqueue_on_commit("domiciliation.tasks.deliver_credit_note", credit_note.pk)
    if credit_note.awaits_refund:
        enqueue_on_commit("domiciliation.tasks.refund_credit_note", credit_note.pk)
    return credit_note


def _whole(invoice: Invoice, left: Decimal) -> Charge:
    """What is left of `invoice` to credit, as one line (its VAT kept exact)."""
    if left == invoice.amount_incl_tax:
        return charge([(line, amount) for line, amount in invoice.line_items])
    excl = (left / Decimal("1.2")).quantize(Decimal("0.01"))
    return Charge(
        lines=((f"Solde de la facture {invoice.number}", excl),),
        excl_tax=excl,
        vat=left - excl,
        incl_tax=left,
    )


def credit_note_for_refund(*, invoice: Invoice, actor: User) -> CreditNote:
    """The first payment of a request withdrawn since was refunded: a credit note cancels
    its invoice (call inside the refund's transaction)."""
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    credit_note = credit_note_issue(
        invoice=invoice,
        reason=CreditNote.Reason.REFUND,
        credited=_whole(invoice, invoice.amount_incl_tax - credited_incl_tax(invoice)),
        actor=actor,
        refunded=True,
    )
    invoice_move(invoice, Invoice.Status.CANCELLED, actor=actor, note=credit_note.number)
    return credit_note


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, note: str, actor: User) -> CreditNote:
    """« Annuler la facture »: the domiciliataire cancels a period (or an option) with a
    credit note for what is left of it; paid, it is refunded."""
    contract = contract_lock(Contract(pk=invoice.contract_id))
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    invoice.contract = contract
    if invoice.is_cancelled:
        raise CreditNoteRefused(f"La facture {invoice.number} est déjà annulée.")
    if invoice.kind == Invoice.Kind.FIRST:
        raise CreditNoteRefused(
            "Le premier paiement s’annule par un remboursement depuis le dossier."
        )
    left = invoice.amount_incl_tax - credited_incl_tax(invoice)
    credit_note = credit_note_issue(
        invoice=invoice,
        reason=CreditNote.Reason.CANCELLATION,
        credited=_whole(invoice, left),
        note=note,
        actor=actor,
    )
    invoice_move(invoice, Invoice.Status.CANCELLED, actor=actor, note=credit_note.number)
    return credit_note


def credit_note_refund(*, credit_note_id: int) -> CreditNote:
    """The task after a credit note on an invoice paid online: the amount is given back
    through the provider (outside any transaction, one idempotency key per credit note,
    so that a retry is the same refund), then recorded. A transfer waits for the
    domiciliataire's « Remboursement effectué »."""
    from ..gateways import GatewayError, gateway_for

    credit_note = CreditNote.objects.select_related("invoice").get(pk=credit_note_id)
    payment = settling_payment(credit_note.invoice)
    if not credit_note.awaits_refund or payment is None:
        return credit_note
    if payment.method == Payment.Method.TRANSFER:
        return credit_note
    try:
        gateway_for(payment.method).refund(
            payment, amount=credit_note.amount_incl_tax, key=f"refund-{credit_note.public_id}"
        )
    except GatewayError:
        return credit_note  # the catch-up job tries again, with the same key
    return _record_refunded(credit_note_id=credit_note_id, actor=None, means=payment.means)


@transaction.atomic
def _record_refunded(*, credit_note_id: int, actor, means: str) -> CreditNote:
    credit_note = CreditNote.objects.select_for_update().get(pk=credit_note_id)
    if not credit_note.awaits_refund:
        return credit_note
    credit_note.refunded_at = timezone.now()
    credit_note.save(update_fields=["refunded_at"])
    invoice = credit_note.invoice
    _log(
        invoice,
        f"Avoir {credit_note.number} remboursé{NBSP}: {format_euros(credit_note.amount_incl_tax)}"
        f" ({means})",
        actor=actor,
    )
    return credit_note


def credit_note_mark_refunded(*, credit_note: CreditNote, actor: User) -> CreditNote:
    """« Remboursement effectué »: the domiciliataire gave the money back by transfer."""
    if not credit_note.awaits_refund:
        raise CreditNoteRefused(f"L’avoir {credit_note.number} n’est pas à rembourser.")
    return _record_refunded(credit_note_id=credit_note.pk, actor=actor, means="virement")


@transaction.atomic
def credit_note_deliver(*, credit_note_id: int) -> CreditNote:
    """The task after a credit note is issued: its PDF rendered once, then e-mailed to
    the company, once."""
    from .cases import notify_company
    from .contracts import notify_contract_company

    credit_note = credit_note_document(credit_note_id=credit_note_id)
    context = {"credit_note": credit_note, "invoice": credit_note.invoice}
    files = [attachment_of(credit_note.pdf, f"Avoir {credit_note.number}.pdf")]
    key = f"credit-note:{credit_note.public_id}"
    if credit_note.contract_id:
        contract = Contract.objects.select_related("case__client_file", "provider", "owner").get(
            pk=credit_note.contract_id
        )
        notify_contract_company(
            contract, "domiciliation_credit_note_issued", context, key=key, attachments=files
        )
    else:
        notify_company(
            credit_note.case,
            "domiciliation_credit_note_issued",
            {**context, "provider": credit_note.case.provider},
            key=key,
            attachments=files,
        )
    return credit_note
