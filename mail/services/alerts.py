"""Telling the company its mail arrived, through the outbox, exactly once per item:
an e-mail and an SMS for each item, or one e-mail a day listing the day's items, as
its mailbox says. An item is marked alerted in the transaction that queues its
notification; the outbox's idempotency keys make a second run a no-op."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from domiciliation.services.cases import company_email
from notifications.services import notify

from ..models import Mailbox, MailItem, MailStatus

# A per-item alert not sent this long after the item was recorded was lost (broker
# down during the batch): the beat job sends it.
CATCH_UP_AFTER = timedelta(minutes=10)


def _recipients(contract) -> tuple[str, str]:
    client_file = contract.case.client_file
    return company_email(client_file), client_file.rep_mobile


@transaction.atomic
def mail_alert_items(*, item_ids: list[int]) -> int:
    """Alerts the company of each item (e-mail and SMS) whose mailbox wants one alert per
    item and that was not alerted yet. Returns how many items were alerted."""
    now = timezone.now()
    items = (
        MailItem.objects.select_for_update(of=("self",))
        .filter(
            pk__in=item_ids,
            alerted_at__isnull=True,
            status=MailStatus.HELD,
            contract__mailbox__alerts=Mailbox.Alerts.EACH,
        )
        .select_related("contract__case__client_file", "provider")
        .order_by("pk")
    )
    done = []
    for item in items:
        email, phone = _recipients(item.contract)
        if email or phone:
            notify(
                "mail_item_received",
                email=email,
                phone=phone,
                context={"item": item, "contract": item.contract, "provider": item.provider},
                idempotency_key=f"mail-item:{item.public_id}",
                user=item.contract.owner,
            )
        done.append(item.pk)
    MailItem.objects.filter(pk__in=done).update(alerted_at=now)
    return len(done)


def mail_alerts_catch_up(*, now=None) -> int:
    """Sends the per-item alerts the broker lost (items recorded over CATCH_UP_AFTER ago
    and still not alerted)."""
    late = (now or timezone.now()) - CATCH_UP_AFTER
    ids = list(
        MailItem.objects.filter(
            alerted_at__isnull=True,
            status=MailStatus.HELD,
            created_at__lt=late,
            contract__mailbox__alerts=Mailbox.Alerts.EACH,
        ).values_list("pk", flat=True)[:500]
    )
    return mail_alert_items(item_ids=ids) if ids else 0


@transaction.atomic
def mail_digest_run(*, now=None) -> int:
    """One e-mail per mailbox that asked for a daily digest, listing the items received
    since the last one; each item is listed once. Returns how many e-mails were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    items = list(
        MailItem.objects.select_for_update(of=("self",))
        .filter(
            alerted_at__isnull=True,
            contract__mailbox__alerts=Mailbox.Alerts.DIGEST,
        )
        .exclude(status=MailStatus.RETURNED)
        .select_related("contract__case__client_file", "provider")
        .order_by("contract_id", "received_on", "pk")
    )
    by_contract: dict[int, list[MailItem]] = {}
    for item in items:
        by_contract.setdefault(item.contract_id, []).append(item)
    sent = 0
    for contract_items in by_contract.values():
        contract = contract_items[0].contract
        email, _ = _recipients(contract)
        if email:
            notify(
                "mail_digest",
                email=email,
                context={
                    "items": contract_items,
                    "contract": contract,
                    "provider": contract_items[0].provider,
                    "day": today,
                },
                idempotency_key=f"mail-digest:{contract.public_id}:{today:%Y-%m-%d}",
                user=contract.owner,
            )
            sent += 1
    MailItem.objects.filter(pk__in=[item.pk for item in items]).update(alerted_at=now)
    return sent
