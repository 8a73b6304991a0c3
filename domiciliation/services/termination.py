"""The end of a contract. The company gives notice from its space (the end of the term in
progress at least `notice_months` away: never before the initial term, R123-168's three
months at least) or announces a « transfert de siège » (its date, not before the initial
term); the domiciliataire terminates for cause or for non-payment, 15 days after its
notice at the earliest (article 6 of the contract). On the day after the last day, the
beat job ends the contract: the last period is settled pro rata (a credit note for days
paid and not used; an unpaid invoice cancelled and billed again for the days used), the
« attestation de fin de domiciliation » is issued and the notice the domiciliataire owes
the greffe is queued, ready to send, its sending recorded once."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.exceptions import TransitionRefused
from common.formats import french_date
from common.queue import enqueue_on_commit
from common.transitions import status_move

from ..models import (
    Contract,
    ContractStatus,
    CreditNote,
    GreffeNotice,
    Invoice,
    Termination,
)
from ..periods import add_months, days, first_term_end, prorata
from ..pricing import charge
from .billing import invoice_issue_for, invoice_move
from .cases import case_lock
from .contracts import (
    NBSP,
    ContractRefused,
    contract_lock,
    contract_log,
    contract_move,
    notify_contract_company,
    notify_contract_provider,
)
from .credit_notes import credit_note_issue
from .documents import attachment, attachment_of, end_documents

# « Résilier le contrat quinze jours après une mise en demeure restée sans effet. »
PROVIDER_NOTICE = timedelta(days=15)
TERMINATION_EVENT = "domiciliation_contract_notice"


def notice_end(contract: Contract, today: date) -> date:
    """Where a notice given today ends: the last day of the first term (of the initial
    length, renewed by tacit reconduction) ending at least `notice_months` from today."""
    not_before = add_months(today, contract.notice_months) - timedelta(days=1)
    return first_term_end(contract.starts_on, contract.initial_months, not_before)


def _refuse_unless_open(contract: Contract) -> None:
    if contract.is_ended:
        raise ContractRefused("Ce contrat est terminé.")
    if contract.ends_on is not None:
        raise ContractRefused(
            f"Un préavis est déjà en cours{NBSP}: le contrat prend fin le "
            f"{french_date(contract.ends_on)}.",
        )


def _set_end(contract, *, termination, ends_on, note, actor) -> Contract:
    today = timezone.localdate()
    changes = {
        "termination": termination,
        "termination_note": note,
        "notice_given_on": today,
        "ends_on": ends_on,
    }
    text = f"{Termination(termination).label}{NBSP}: fin le {french_date(ends_on)}"
    if contract.is_suspended:
        # Still suspended until paid; the end date is set.
        for name, value in changes.items():
            setattr(contract, name, value)
        contract.save(update_fields=[*changes, "updated_at"])
        contract_log(contract, text, actor=actor)
    else:
        contract = contract_move(contract, ContractStatus.NOTICE, actor=actor, note=text, **changes)
    context = {"termination": Termination(termination).label, "ends_on": ends_on, "note": note}
    key = f"notice:{today:%Y%m%d}"
    notify_contract_company(contract, TERMINATION_EVENT, context, key=key, actor=actor)
    notify_contract_provider(contract, "domiciliation_contract_notice_provider", context, key=key)
    return contract


@transaction.atomic
def contract_give_notice(*, contract: Contract, actor: User) -> Contract:
    """« Résilier »: the company gives notice; the contract ends with the term in
    progress, or the next one when fewer than `notice_months` are left."""
    contract = contract_lock(contract)
    _refuse_unless_open(contract)
    ends_on = notice_end(contract, timezone.localdate())
    return _set_end(
        contract,
        termination=Termination.COMPANY_NOTICE,
        ends_on=ends_on,
        note="",
        actor=actor,
    )


@transaction.atomic
def contract_transfer_seat(*, contract: Contract, ends_on: date, actor: User) -> Contract:
    """« Transfert de siège »: the company moves its registered office; `ends_on` is the
    contract's last day, neither in the past nor before the initial term's end."""
    contract = contract_lock(contract)
    _refuse_unless_open(contract)
    today = timezone.localdate()
    if ends_on < today:
        raise ContractRefused("La date de fin ne peut pas être dans le passé.", field="ends_on")
    if ends_on < contract.minimum_ends_on:
        raise ContractRefused(
            f"Le contrat court au moins jusqu’au {french_date(contract.minimum_ends_on)} "
            f"(durée initiale de {contract.initial_months}{NBSP}mois){NBSP}: la fin ne peut "
            "pas être fixée avant.",
            field="ends_on",
        )
    return _set_end(
        contract,
        termination=Termination.SEAT_TRANSFER,
        ends_on=ends_on,
        note="",
        actor=actor,
    )


@transaction.atomic
def contract_terminate(
    *, contract: Contract, termination: str, ends_on: date, note: str, actor: User
) -> Contract:
    """The domiciliataire terminates: for cause, or for non-payment (only with an invoice
    unpaid past its due date), 15 days from today at the earliest."""
    contract = contract_lock(contract)
    _refuse_unless_open(contract)
    earliest = timezone.localdate() + PROVIDER_NOTICE
    if termination not in (Termination.PROVIDER_CAUSE, Termination.NON_PAYMENT):
        raise ContractRefused("Motif de résiliation inconnu.", field="termination")
    if ends_on < earliest:
        raise ContractRefused(
            f"La résiliation prend effet 15{NBSP}jours après sa notification au plus tôt"
            f"{NBSP}: le {french_date(earliest)}.",
            field="ends_on",
        )
    if (
        termination == Termination.NON_PAYMENT
        and not contract.invoices.filter(status=Invoice.Status.OVERDUE).exists()
    ):
        raise ContractRefused(
            "Aucune facture de ce contrat n’est en retard de paiement.", field="termination"
        )
    return _set_end(contract, termination=termination, ends_on=ends_on, note=note, actor=actor)


# The end


class GreffeNoticeRefused(ContractRefused, TransitionRefused):
    """A notice the contract does not allow (still running), or a sending already
    recorded."""


def greffe_notice_create(*, contract: Contract, kind: str, event_date: date) -> GreffeNotice:
    """Queues a notice to the greffe in « À signaler au greffe », once per fact (run
    twice: one notice). The end of a contract is reported once it has ended, never
    while it runs. Call inside the caller's transaction, the contract locked."""
    if kind == GreffeNotice.Kind.CONTRACT_END and not contract.is_ended:
        raise GreffeNoticeRefused(
            f"Le contrat {contract.number} est en cours{NBSP}: sa fin ne se signale au greffe "
            "qu’une fois le contrat terminé."
        )
    notice, created = GreffeNotice.objects.get_or_create(
        contract=contract,
        kind=kind,
        event_date=event_date,
        defaults={"provider_id": contract.provider_id},
    )
    if created:
        contract_log(contract, f"À signaler au greffe{NBSP}: {notice.get_kind_display().lower()}")
    return notice


def _settle(contract: Contract, invoice: Invoice, *, actor) -> None:
    """The invoice of a period running past the contract's last day: the days not used
    are credited (paid: to refund), or, unpaid, the invoice is cancelled and the days
    used billed again."""
    last = contract.ends_on
    full = days(invoice.period_start, invoice.period_end)
    unused = days(last + timedelta(days=1), invoice.period_end)
    lines = [(label, amount) for label, amount in invoice.line_items if label != "Frais de dossier"]
    span = f"du {french_date(last + timedelta(days=1))} au {french_date(invoice.period_end)}"
    if invoice.is_paid:
        credited = charge(
            [(f"{label} – non utilisé {span}", prorata(amount, unused, full))
             for label, amount in lines]
        )  # fmt: skip
        if credited.incl_tax > 0:
            credit_note_issue(
                invoice=invoice,
                reason=CreditNote.Reason.CONTRACT_END,
                credited=credited,
                actor=actor,
            )
        return
    credit_note = credit_note_issue(
        invoice=invoice,
        reason=CreditNote.Reason.CONTRACT_END,
        credited=charge(invoice.line_items),
        actor=actor,
    )
    invoice_move(invoice, Invoice.Status.CANCELLED, actor=actor, note=credit_note.number)
    used = days(invoice.period_start, last)
    if used > 0:
        invoice_issue_for(
            contract,
            charge([(f"{label} – prorata jusqu’au {french_date(last)}",
                     prorata(amount, used, full)) for label, amount in lines]),
            today=timezone.localdate(),
            kind=invoice.kind,
            period_index=invoice.period_index,
            period_start=invoice.period_start,
            period_end=last,
            monthly_excl_tax=invoice.monthly_excl_tax,
        )  # fmt: skip


@transaction.atomic
def contract_end(*, contract_id: int, today: date) -> bool:
    """Ends a contract whose last day has passed: ended, its last period settled, the
    greffe notice queued, the end attestation and the letter made by a task. Returns
    whether it ended (run twice: once)."""
    contract = contract_lock(Contract(pk=contract_id))
    if contract.is_ended or contract.ends_on is None or contract.ends_on >= today:
        return False
    contract = contract_move(
        contract,
        ContractStatus.ENDED,
        actor=None,
        note=f"Fin de la domiciliation le {french_date(contract.ends_on)} au soir",
        ended_at=timezone.now(),
    )
    running_past = (
        contract.invoices.exclude(status=Invoice.Status.CANCELLED)
        .filter(period_end__gt=contract.ends_on)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    for invoice in running_past:
        invoice.contract = contract
        _settle(contract, invoice, actor=None)
    greffe_notice_create(
        contract=contract, kind=GreffeNotice.Kind.CONTRACT_END, event_date=contract.ends_on
    )
    enqueue_on_commit("domiciliation.tasks.finalize_contract_end", contract.pk)
    return True


def contracts_end_due(*, today: date | None = None) -> int:
    """The beat job's end part: every contract past its last day."""
    today = today or timezone.localdate()
    ids = Contract.objects.filter(
        status__in=[ContractStatus.NOTICE, ContractStatus.SUSPENDED], ends_on__lt=today
    ).values_list("pk", flat=True)
    return sum(contract_end(contract_id=pk, today=today) for pk in list(ids))


@transaction.atomic
def contract_end_finalize(*, contract_id: int) -> None:
    """Makes the end attestation and the greffe notice letter (each once) and sends them:
    the attestation to the company, the letter to the domiciliataire's admins."""
    contract = contract_lock(Contract(pk=contract_id))
    case_lock(contract.case)
    attestation, notices = end_documents(contract)
    company = contract.company_name
    name = f"Attestation de fin de domiciliation – {company}.pdf"
    notify_contract_company(
        contract,
        "domiciliation_contract_ended",
        {},
        key="ended",
        attachments=[attachment(attestation, name)],
    )
    notify_contract_provider(
        contract,
        "domiciliation_contract_ended_provider",
        {"notices": notices},
        key="ended",
        attachments=[
            attachment_of(notice.pdf, f"Avis au greffe – {company}.pdf") for notice in notices
        ],
    )


@transaction.atomic
def greffe_notice_record_sent(
    *, notice: GreffeNotice, sent_on: date, channel: str, actor: User
) -> GreffeNotice:
    """Records that the notice was sent to the greffe (date, channel): once, never
    changed afterwards; written on the contract's timeline."""

    def refused(from_status, to):
        return GreffeNoticeRefused(
            f"L’envoi de cet avis est déjà enregistré{NBSP}: le {french_date(notice.sent_on)}."
            if from_status == GreffeNotice.Status.SENT
            else "Cet avis ne peut pas être marqué envoyé."
        )

    if sent_on > timezone.localdate():
        raise ContractRefused("La date d’envoi ne peut pas être dans le futur.", field="sent_on")
    notice = GreffeNotice.objects.select_for_update().get(pk=notice.pk)
    if sent_on < notice.event_date and notice.kind == GreffeNotice.Kind.CONTRACT_END:
        raise ContractRefused(
            "L’avis de fin de contrat s’envoie après la fin du contrat.", field="sent_on"
        )
    notice = status_move(
        notice,
        GreffeNotice.Status.SENT,
        transitions=GreffeNotice.TRANSITIONS,
        refused=refused,
        actor=actor,
        sent_on=sent_on,
        channel=channel,
        sent_by=actor,
    )
    contract_log(
        notice.contract,
        f"Avis au greffe ({notice.get_kind_display().lower()}) envoyé le "
        f"{french_date(sent_on)} par {notice.get_channel_display().lower()}",
        actor=actor,
    )
    return notice
