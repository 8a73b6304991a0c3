"""Mail items: recorded by the domiciliataire in batches (returned to sender when no
contract receives them), scanned, asked for by the company (scan, forward, collect,
destroy) and done by the domiciliataire. One state machine per item
(`models.MAIL_TRANSITIONS`), each move an event row; a collection or a forwarding sent
or a content scan opened by the company is the date it last took its mail."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.exceptions import DomainError, TransitionRefused
from common.queue import enqueue_on_commit
from common.transitions import status_move
from common.uploads import validate_upload
from directory.models import Provider
from domiciliation.models import Contract

from ..models import (
    MAIL_TRANSITIONS,
    Mailbox,
    MailItem,
    MailItemEvent,
    MailKind,
    MailScan,
    MailStatus,
)
from ..selectors import contracts_named

NBSP = "\u00a0"
MAX_BATCH = 200


class MailRefused(DomainError):
    """An action on mail that its state, its contract or its input does not allow."""


class MailMoveRefused(MailRefused, TransitionRefused):
    pass


@dataclass(frozen=True)
class Entry:
    """One row of the morning's entry table."""

    term: str  # the company's name, its SIREN or the contract number
    kind: str
    sender: str
    received_on: date
    pages: int | None = None
    return_to_sender: bool = False


def mailbox_of(contract: Contract) -> Mailbox:
    """The contract's mailbox, made on first use with the defaults."""
    try:
        return contract.mailbox
    except Mailbox.DoesNotExist:
        mailbox, _ = Mailbox.objects.get_or_create(contract=contract)
        contract.mailbox = mailbox
        return mailbox


@transaction.atomic
def mail_record_batch(*, provider: Provider, entries: list[Entry], actor: User) -> list[MailItem]:
    """Records the morning's mail in one go (at most MAX_BATCH rows). Each row must name
    one contract of the provider that receives mail; mail for an ended contract is
    returned to its sender, and a row naming nobody is refused unless marked « retour à
    l’expéditeur ». Refuses the whole batch, saving nothing, with one message per wrong
    row. Alerts are queued once the batch is saved."""
    if not entries:
        raise MailRefused("Aucun courrier à enregistrer.")
    if len(entries) > MAX_BATCH:
        raise MailRefused(f"Enregistrez au plus {MAX_BATCH}{NBSP}courriers à la fois.")
    found = contracts_named(provider, [entry.term for entry in entries])
    errors, rows = [], []
    today = timezone.localdate()
    for line, entry in enumerate(entries, start=1):
        matches = found.get(entry.term, [])
        receiving = [contract for contract in matches if contract.receives_mail]
        if entry.received_on > today:
            errors.append(f"Ligne {line}{NBSP}: la date de réception est dans le futur.")
            continue
        if len(receiving) > 1:
            errors.append(
                f"Ligne {line}{NBSP}: «{NBSP}{entry.term}{NBSP}» désigne plusieurs contrats"
                f"{NBSP}; indiquez le numéro de contrat ou le SIREN."
            )
            continue
        if receiving:
            rows.append((entry, receiving[0], MailStatus.HELD, "Courrier reçu"))
        elif matches:
            rows.append(
                (
                    entry,
                    matches[0],
                    MailStatus.RETURNED,
                    f"Contrat terminé{NBSP}: retour à l’expéditeur",
                )
            )
        elif entry.return_to_sender:
            rows.append((entry, None, MailStatus.RETURNED, "Aucun contrat : retour à l’expéditeur"))
        else:
            errors.append(
                f"Ligne {line}{NBSP}: aucun contrat de domiciliation en cours pour "
                f"«{NBSP}{entry.term}{NBSP}». Vérifiez le nom, le SIREN ou le numéro de "
                f"contrat, ou cochez «{NBSP}Retour à l’expéditeur{NBSP}»."
            )
    if errors:
        raise MailRefused(errors)
    now = timezone.now()
    items = MailItem.objects.bulk_create(
        MailItem(
            provider=provider,
            contract=contract,
            addressee=contract.company_name if contract else entry.term.strip(),
            kind=entry.kind,
            sender=entry.sender.strip(),
            received_on=entry.received_on,
            pages=entry.pages,
            status=status,
            recorded_by=actor,
            done_on=today if status == MailStatus.RETURNED else None,
        )
        for entry, contract, status, _ in rows
    )
    MailItemEvent.objects.bulk_create(
        MailItemEvent(item=item, to_status=status, actor=actor, note=note, created_at=now)
        for item, (_, _, status, note) in zip(items, rows, strict=True)
    )
    Mailbox.objects.bulk_create(
        [Mailbox(contract_id=contract.pk) for _, contract, _, _ in rows if contract],
        ignore_conflicts=True,
    )
    received = [item.pk for item in items if item.status == MailStatus.HELD]
    if received:
        enqueue_on_commit("mail.tasks.alert_items", received)
    return items


def _address(text: str) -> str:
    """An address as typed, its lines ended the one way (a browser's textarea sends CRLF)."""
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())


def _refused(item: MailItem, action: str):
    def refused(from_status, to_status):
        label = MailStatus(from_status).label
        return MailMoveRefused(
            f"Ce courrier est «{NBSP}{label.lower()}{NBSP}»{NBSP}: il ne peut pas être {action}."
        )

    return refused


def _move(item: MailItem, to_status: str, *, actor, action: str, note: str = "", **changes):
    return status_move(
        item,
        to_status,
        transitions=MAIL_TRANSITIONS,
        refused=_refused(item, action),
        actor=actor,
        note=note,
        **changes,
    )


def _lock(item: MailItem) -> MailItem:
    return (
        MailItem.objects.select_for_update(of=("self",)).select_related("contract").get(pk=item.pk)
    )


def _refuse_if_suspended(item: MailItem, what: str) -> None:
    if item.contract and item.contract.mail_services_suspended:
        raise MailRefused(
            f"Vos services sont suspendus pour impayé{NBSP}: {what} reprendra une fois la "
            "facture réglée."
        )


def mailbox_retrieved(contract: Contract, on: date) -> None:
    """The company took its mail on `on`: the three-month rule counts from there."""
    mailbox = mailbox_of(contract)
    if mailbox.last_retrieval_on is None or mailbox.last_retrieval_on < on:
        Mailbox.objects.filter(pk=mailbox.pk).update(last_retrieval_on=on)
        mailbox.last_retrieval_on = on


# The company's requests.


@transaction.atomic
def mail_request_scan(*, item: MailItem, actor: User) -> MailItem:
    """The company asks for the content to be scanned."""
    item = _lock(item)
    _refuse_if_suspended(item, "la numérisation")
    if item.scans.filter(side=MailScan.Side.CONTENT).exists():
        raise MailRefused("Le contenu de ce courrier est déjà numérisé.")
    return _move(item, MailStatus.TO_SCAN, actor=actor, action="numérisé",
                 note="Numérisation du contenu demandée")  # fmt: skip


@transaction.atomic
def mail_request_forward(*, item: MailItem, actor: User | None, address: str = "") -> MailItem:
    """The company asks for the item to be forwarded, to the address on file or another
    (no actor: its standing forwarding, mail.services.rules)."""
    item = _lock(item)
    _refuse_if_suspended(item, "la réexpédition")
    address = _address(address) or mailbox_of(item.contract).forward_address
    if not address:
        raise MailRefused(
            "Indiquez l’adresse de réexpédition (aucune adresse n’est enregistrée).",
            field="address",
        )
    return _move(item, MailStatus.TO_FORWARD, actor=actor, action="réexpédié",
                 note="Réexpédition demandée", requested_address=address)  # fmt: skip


@transaction.atomic
def mail_request_collect(*, item: MailItem, actor: User) -> MailItem:
    """The company says it will come and collect the item."""
    item = _lock(item)
    return _move(item, MailStatus.TO_COLLECT, actor=actor, action="retiré",
                 note="Retrait annoncé par l’entreprise")  # fmt: skip


@transaction.atomic
def mail_request_destroy(*, item: MailItem, actor: User) -> MailItem:
    """The company asks for the item to be destroyed."""
    item = _lock(item)
    return _move(item, MailStatus.TO_DESTROY, actor=actor, action="détruit",
                 note="Destruction demandée")  # fmt: skip


@transaction.atomic
def mail_item_open(*, item: MailItem, user: User) -> MailItem:
    """The company opened the item: it is read (once)."""
    if item.read_at is None:
        item.read_at = timezone.now()
        MailItem.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=item.read_at)
    return item


@transaction.atomic
def mail_scan_opened(*, scan: MailScan, user: User) -> None:
    """The company opened a content scan: it took its mail today."""
    item = scan.item
    if scan.is_content and item.contract and item.contract.owner_id == user.pk:
        mailbox_retrieved(item.contract, timezone.localdate())
        mail_item_open(item=item, user=user)


# The domiciliataire's records.


@transaction.atomic
def mail_scan_attach(*, item: MailItem, side: str, upload, actor: User) -> MailScan:
    """Stores the scan of the envelope or the content, checked from its content (PDF,
    JPEG or PNG, 10 MB at most); a content scan done on request puts the item back as
    held. A fake or oversized file is refused and nothing is stored."""
    item = _lock(item)
    if not item.is_waiting:
        raise MailRefused(
            f"Ce courrier est «{NBSP}{item.get_status_display().lower()}{NBSP}»{NBSP}: "
            "il ne peut plus être numérisé."
        )
    if side not in MailScan.Side.values:
        raise MailRefused("Indiquez la face numérisée.", field="side")
    if item.scans.filter(side=side).exists():
        raise MailRefused(
            f"{MailScan.Side(side).label} déjà numérisé(e) pour ce courrier.", field="file"
        )
    try:
        kind = validate_upload(upload)
    except ValidationError as error:
        raise MailRefused(error.messages, field="file") from error
    scan = MailScan(item=item, side=side, kind=kind, size=upload.size)
    scan.file.save(upload.name, upload, save=False)
    scan.save()
    if side == MailScan.Side.CONTENT and item.status == MailStatus.TO_SCAN:
        _move(item, MailStatus.HELD, actor=actor, action="numérisé", note="Contenu numérisé")
    else:
        MailItemEvent.objects.create(
            item=item, actor=actor, note=f"{scan.get_side_display()} numérisé(e)"
        )
    if kind == "pdf":
        enqueue_on_commit("mail.tasks.render_scan_preview", scan.pk)
    return scan


@transaction.atomic
def mail_record_forwarding(
    *,
    item: MailItem,
    forwarded_on: date,
    address: str,
    tracking_number: str = "",
    postage: Decimal | None = None,
    actor: User,
) -> MailItem:
    """The item was posted to `address`: forwarded, once."""
    if forwarded_on > timezone.localdate():
        raise MailRefused("La date d’envoi ne peut pas être dans le futur.", field="forwarded_on")
    item = _lock(item)
    address = _address(address) or item.requested_address
    if not address:
        raise MailRefused("Indiquez l’adresse de réexpédition.", field="address")
    item = _move(
        item,
        MailStatus.FORWARDED,
        actor=actor,
        action="réexpédié",
        note=f"Réexpédié le {forwarded_on:%d/%m/%Y}",
        forwarded_on=forwarded_on,
        forwarded_to=address,
        tracking_number=tracking_number.strip(),
        postage=postage,
        done_on=forwarded_on,
    )
    mailbox_retrieved(item.contract, forwarded_on)
    return item


@transaction.atomic
def mail_record_collection(
    *, item: MailItem, collected_by: str, identity_document: str, actor: User
) -> MailItem:
    """The item was handed over to `collected_by`, whose identity document was seen.
    Registered mail and parcels need the company's postal proxy."""
    item = _lock(item)
    if not collected_by.strip():
        raise MailRefused("Indiquez qui a retiré le courrier.", field="collected_by")
    if not identity_document.strip():
        raise MailRefused("Indiquez la pièce d’identité présentée.", field="identity_document")
    today = timezone.localdate()
    item = _move(
        item,
        MailStatus.COLLECTED,
        actor=actor,
        action="retiré",
        note=f"Retiré par {collected_by.strip()}",
        collected_by=collected_by.strip(),
        identity_document=identity_document.strip(),
        done_on=today,
    )
    mailbox_retrieved(item.contract, today)
    return item


@transaction.atomic
def mail_record_destruction(*, item: MailItem, actor: User) -> MailItem:
    """The item the company asked to destroy was destroyed."""
    item = _lock(item)
    return _move(item, MailStatus.DESTROYED, actor=actor, action="détruit",
                 note="Courrier détruit", done_on=timezone.localdate())  # fmt: skip


@transaction.atomic
def mailbox_update(
    *, mailbox: Mailbox, alerts: str, standing: str, forward_address: str, actor: User
) -> Mailbox:
    """The company's standing preferences for its contract's mail."""
    if standing != Mailbox.Standing.KEEP and not forward_address.strip():
        raise MailRefused(
            "Indiquez l’adresse à laquelle réexpédier votre courrier.", field="forward_address"
        )
    mailbox.alerts = alerts
    mailbox.standing = standing
    mailbox.forward_address = _address(forward_address)
    mailbox.save(update_fields=["alerts", "standing", "forward_address", "updated_at"])
    return mailbox


KIND_LABELS = dict(MailKind.choices)
