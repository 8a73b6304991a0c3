"""The outbox: services write Notification rows inside their transaction; a worker
claims each row and sends it once; the beat job re-queues what the broker lost."""

import logging
import re
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, QuerySet
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from common.exceptions import DomainError
from common.queue import enqueue

from .models import Notification
from .sms import get_sms_backend

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A worker holding a row longer than this has died: the row is handed out again.
STUCK_AFTER = timedelta(minutes=15)


class DeliveryRetry(Exception):
    """A send failed but attempts remain: the task retries after `countdown` seconds."""

    def __init__(self, message: str, *, countdown: int):
        super().__init__(message)
        self.countdown = countdown


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after the `attempts`-th failure: 1, 2, 4, 8… minutes, at most
    one hour."""
    return timedelta(seconds=min(60 * 2 ** (attempts - 1), 3600))


def notify(
    event: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    context: dict,
    idempotency_key: str,
    user=None,
    sensitive: bool = False,
    attachments: list[dict] | None = None,
) -> list[Notification]:
    """Queues the e-mail and/or SMS of `event`, rendered from templates/emails/<event>/ and
    templates/sms/<event>.txt. Must run inside the caller's transaction, so that nothing is
    sent for a write that rolls back; a key already used returns its rows unchanged.
    `attachments` name files of the private storage ({"name", "path", "mimetype"}), read
    when the e-mail is sent."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() must run inside a transaction (transaction.atomic).")
    context = {**context, "portal_base_url": settings.PORTAL_BASE_URL}
    messages = []
    if email:
        messages.append(
            {
                "channel": Notification.Channel.EMAIL,
                "recipient": email,
                "subject": _one_line(_render_text(f"emails/{event}/subject.txt", context)),
                "body_text": _render_text(f"emails/{event}/body.txt", context).strip(),
                "body_html": render_to_string(f"emails/{event}/body.html", context),
                "attachments": attachments or [],
            }
        )
    if phone:
        messages.append(
            {
                "channel": Notification.Channel.SMS,
                "recipient": phone,
                "body_text": _render_text(f"sms/{event}.txt", context).strip(),
            }
        )
    return [
        _queue(
            event=event,
            idempotency_key=idempotency_key,
            user=user,
            sensitive=sensitive,
            **message,
        )
        for message in messages
    ]


@transaction.atomic
def queue_email(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    event: str,
    idempotency_key: str | None = None,
    user=None,
    sensitive: bool = False,
) -> Notification:
    """Queues an e-mail rendered elsewhere (allauth's mails). Sent once the surrounding
    transaction commits, or at once when there is none."""
    return _queue(
        channel=Notification.Channel.EMAIL,
        event=event,
        recipient=to,
        subject=_one_line(subject),
        body_text=body_text,
        body_html=body_html,
        idempotency_key=idempotency_key,
        user=user,
        sensitive=sensitive,
    )


def _one_line(text: str) -> str:
    """A subject on one line; non-breaking spaces (French typography) are kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _render_text(template_name: str, context: dict) -> str:
    """Plain text is not HTML: nothing is escaped (« l'adresse » must not become
    « l&#x27;adresse »)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def _queue(
    *,
    channel: str,
    event: str,
    recipient: str,
    subject: str = "",
    body_text: str,
    body_html: str = "",
    idempotency_key: str | None,
    user,
    sensitive: bool = False,
    attachments: list[dict] | None = None,
) -> Notification:
    """Writes the row and schedules its delivery on commit. A row whose key exists is
    returned as it is and nothing is scheduled: a message is never sent twice."""
    fields = {
        "channel": channel,
        "event": event,
        "recipient": recipient,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "user": user,
        "is_sensitive": sensitive,
        "attachments": attachments or [],
    }
    if idempotency_key is None:
        notification, created = Notification.objects.create(**fields), True
    else:
        notification, created = Notification.objects.get_or_create(
            idempotency_key=f"{idempotency_key}:{channel}", defaults=fields
        )
    if created:
        transaction.on_commit(partial(_schedule_delivery, notification.pk))
    return notification


DELIVER_TASK = "notifications.tasks.deliver"


def _schedule_delivery(notification_id: int) -> bool:
    """Hands the row to a worker. A broker that is down only delays the message: the row
    stays pending and the beat job re-queues it, the request never fails."""
    queued = enqueue(DELIVER_TASK, notification_id)
    if not queued:
        logger.warning("Broker unreachable: notification %s stays pending.", notification_id)
    return queued


def notification_deliver(*, notification_id: int) -> None:
    """Sends a pending notification. The row is claimed by a conditional UPDATE, so only
    one worker sends it; a failure puts it back to pending with a back-off (raising
    DeliveryRetry) until MAX_ATTEMPTS, then marks it failed."""
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).update(
        status=Notification.Status.SENDING,
        claimed_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return  # Another worker has it, or it is already sent or failed.
    notification = Notification.objects.get(pk=notification_id)
    try:
        provider_message_id = _send(notification)
    except Exception as error:
        _record_failure(notification, error)
        return
    erased = {"body_text": "", "body_html": ""} if notification.is_sensitive else {}
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        provider_message_id=provider_message_id,
        **erased,
    )


def _send(notification: Notification) -> str:
    """Sends through the channel's backend; returns the provider's message id."""
    if notification.channel == Notification.Channel.SMS:
        return get_sms_backend().send(
            to=notification.recipient, text=notification.body_text, sender=settings.SMS_SENDER
        )
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["name"], _attachment_content(attachment), attachment["mimetype"])
    message.send()
    message_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
    return "" if message_id is None else str(message_id)


class AttachmentUnreadable(Exception):
    """A file to attach could not be read from the private storage (bucket or disk)."""


def _attachment_content(attachment: dict) -> bytes:
    """The file, read through the storage API: on a worker with no disk of its own, from
    the bucket. A failure names the attachment, for the row's last error."""
    try:
        with storages["private"].open(attachment["path"], "rb") as file:
            return file.read()
    except (DomainError, OSError) as error:
        raise AttachmentUnreadable(
            f"pièce jointe «\u00a0{attachment['name']}\u00a0» ({attachment['path']}) "
            f"illisible\u00a0: {error}"
        ) from error


def _record_failure(notification: Notification, error: Exception) -> None:
    message = f"{type(error).__name__}: {error}"
    if notification.attempts < MAX_ATTEMPTS:
        delay = retry_delay(notification.attempts)
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.PENDING,
            last_error=message,
            next_attempt_at=timezone.now() + delay,
        )
        raise DeliveryRetry(message, countdown=int(delay.total_seconds())) from error
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.FAILED, last_error=message
    )
    logger.error(
        "Notification %s failed after %s attempts: %s",
        notification.pk,
        notification.attempts,
        message,
    )


def notifications_requeue_pending(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Re-queues the rows a worker should have taken: pending rows overdue by more than
    `older_than` (the broker was down) and rows stuck in sending for more than
    STUCK_AFTER (the worker died), which go back to pending first. Stops at the first
    broker error; returns how many rows were queued."""
    now = timezone.now()
    stuck = Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - STUCK_AFTER
    )
    stuck_ids = list(stuck.values_list("pk", flat=True))
    stuck.filter(pk__in=stuck_ids).update(status=Notification.Status.PENDING, next_attempt_at=now)
    overdue_ids = (
        Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lt=now - older_than
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)
    )
    queued = 0
    for notification_id in [*stuck_ids, *overdue_ids]:
        if not _schedule_delivery(notification_id):
            break
        queued += 1
    return queued


@transaction.atomic
def notifications_resend(*, notifications: QuerySet[Notification]) -> int:
    """Gives failed notifications MAX_ATTEMPTS new attempts; the others are left alone.
    Returns how many were queued."""
    failed_ids = list(
        notifications.filter(status=Notification.Status.FAILED).values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=failed_ids).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for notification_id in failed_ids:
        transaction.on_commit(partial(_schedule_delivery, notification_id))
    return len(failed_ids)
