"""The daily rules of the mailbox. The three-month rule (article R. 123-168 of the Code de
commerce): the domiciliataire informs the greffe when a company has not taken its mail
for three months; the portal warns the domiciliataire at 2½ months and at 3 months
queues the notice, with its letter, in « À signaler au greffe ». Retention: scans are
purged once the contract's retention period (12 months unless it says otherwise) has
passed since the item arrived."""

import logging
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from common.formats import french_date
from domiciliation.models import GreffeNotice
from domiciliation.periods import add_months
from domiciliation.services.cases import notify_provider
from domiciliation.services.contracts import contract_log
from domiciliation.services.documents import PARTY_FIELDS
from notifications.pdf import render_pdf

from ..models import (
    UNCOLLECTED_MONTHS,
    UNCOLLECTED_WARNING_DAYS,
    WAITING_STATUSES,
    Mailbox,
    MailItem,
    MailScan,
)
from .items import mail_request_forward

logger = logging.getLogger(__name__)


def _uncollected(before: date):
    """Mailboxes whose company last took its mail on or before `before` (its contract's
    start when never) and that still hold mail of its contract."""
    return (
        Mailbox.objects.filter(
            Q(last_retrieval_on__lte=before)
            | Q(last_retrieval_on__isnull=True, contract__starts_on__lte=before)
        )
        .filter(
            Exists(
                MailItem.objects.filter(contract=OuterRef("contract"), status__in=WAITING_STATUSES)
            )
        )
        .select_related(
            "contract__case__client_file", "contract__case__centre", "contract__provider"
        )  # fmt: skip
        .order_by("pk")
    )


def greffe_letter_pdf(notice: GreffeNotice, mailbox: Mailbox) -> bytes:
    """The letter telling the greffe the company has not taken its mail since its last
    retrieval: provider, approval number, company, SIREN, that date."""
    contract = notice.contract
    return render_pdf(
        "pdf/mail_greffe_notice.html",
        {
            "notice": notice,
            "contract": contract,
            "case": contract.case,
            "client_file": contract.case.declared,
            "mailbox": mailbox,
            "party": {field: contract.provider.public(field) for field in PARTY_FIELDS},
        },
    )


@transaction.atomic
def mail_three_month_run(*, today: date | None = None) -> dict[str, int]:
    """Warns each provider, once per retrieval date, of the companies that have not taken
    their mail for 2½ months, and queues a greffe notice (with its letter, written on
    the contract's timeline) once 3 months have passed. Safe to run any number of
    times a day."""
    today = today or timezone.localdate()
    warned = notices = 0
    for mailbox in _uncollected(today - timedelta(days=UNCOLLECTED_WARNING_DAYS)):
        reference = mailbox.retrieval_reference
        contract = mailbox.contract
        if add_months(reference, UNCOLLECTED_MONTHS) <= today:
            notice, created = GreffeNotice.objects.get_or_create(
                provider=contract.provider,
                contract=contract,
                kind=GreffeNotice.Kind.MAIL_UNCOLLECTED,
                event_date=reference,
            )
            if created:
                notice.contract = contract
                notice.pdf.save(
                    f"avis-greffe-courrier-{contract.number}-{reference:%Y%m%d}.pdf",
                    ContentFile(greffe_letter_pdf(notice, mailbox)),
                )
                contract_log(
                    contract,
                    f"Courrier non retiré depuis le {french_date(reference)}\u00a0: avis à "
                    "envoyer au greffe",
                )
                notices += 1
        elif mailbox.warned_for != reference:
            notify_provider(
                contract.case,
                "mail_uncollected_warning",
                {
                    "contract": contract,
                    "reference": reference,
                    "due_on": add_months(reference, UNCOLLECTED_MONTHS),
                },
                key=f"mail-uncollected:{reference:%Y%m%d}",
            )
            Mailbox.objects.filter(pk=mailbox.pk).update(warned_for=reference)
            warned += 1
    return {"warned": warned, "notices": notices}


def mail_purge_run(*, today: date | None = None) -> int:
    """Deletes the scans (files and rows) of items received before their contract's
    retention period; logs how many. Returns how many scans were removed; a second run
    removes nothing."""
    today = today or timezone.localdate()
    removed = items_done = 0
    months_list = Mailbox.objects.values_list("retention_months", flat=True).distinct()
    for months in sorted(set(months_list)):
        cutoff = add_months(today, -months)
        scans = MailScan.objects.filter(
            item__received_on__lt=cutoff, item__contract__mailbox__retention_months=months
        ).order_by("pk")
        for scan in scans.iterator():
            with transaction.atomic():
                for field in (scan.file, scan.preview):
                    if field:
                        field.delete(save=False)
                MailItem.objects.filter(pk=scan.item_id).update(scans_purged_at=timezone.now())
                scan.delete()
                removed += 1
        items_done += 1
    logger.info("Mail scans purged: %d removed (retention groups: %d).", removed, items_done)
    return removed


def mail_standing_forward_run(*, today: date | None = None) -> int:
    """The standing forwarding a company chose: every Monday (weekly) or on the 1st
    (monthly), the mail it holds goes to « À réexpédier » for the address on file. Safe to
    run again the same day: an item moved is no longer held. Returns how many moved."""
    today = today or timezone.localdate()
    standings = []
    if today.weekday() == 0:
        standings.append(Mailbox.Standing.WEEKLY)
    if today.day == 1:
        standings.append(Mailbox.Standing.MONTHLY)
    if not standings:
        return 0
    items = MailItem.objects.filter(
        status="held",
        contract__mailbox__standing__in=standings,
        contract__status__in=("running", "notice"),
    ).exclude(contract__mailbox__forward_address="")
    moved = 0
    for item in items.order_by("pk").iterator():
        mail_request_forward(item=item, actor=None)
        moved += 1
    logger.info("Standing forwarding: %d items to forward.", moved)
    return moved
