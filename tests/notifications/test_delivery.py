import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.urls import reverse

from notifications.models import Notification
from notifications.services import (
    MAX_ATTEMPTS,
    DeliveryRetry,
    notification_deliver,
    notifications_requeue_pending,
    queue_email,
)
from notifications.tasks import deliver, requeue_pending
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("Le serveur d'envoi ne répond pas")


@pytest.fixture
def broken_email(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmailBackend"


@pytest.mark.django_db
def test_it_sends_a_pending_notification_once():
    notification = NotificationFactory()

    notification_deliver(notification_id=notification.pk)
    notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    (message,) = mail.outbox
    assert message.to == [notification.recipient]
    assert message.subject == "Rappel : votre échéance"


@pytest.mark.django_db
def test_it_stores_the_message_id_given_by_anymail(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    notification = NotificationFactory()

    notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    (message,) = mail.outbox
    assert notification.provider_message_id == str(message.anymail_status.message_id) == "0"


@pytest.mark.django_db
def test_it_puts_a_failed_send_back_to_pending_with_a_growing_back_off(broken_email):
    notification = NotificationFactory()

    with time_machine.travel(NOW, tick=False):
        with pytest.raises(DeliveryRetry) as first:
            notification_deliver(notification_id=notification.pk)
        with pytest.raises(DeliveryRetry) as second:
            notification_deliver(notification_id=notification.pk)

    assert (first.value.countdown, second.value.countdown) == (60, 120)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 2
    assert notification.last_error == "ConnectionError: Le serveur d'envoi ne répond pas"
    assert notification.next_attempt_at == NOW + timedelta(minutes=2)
    assert notification.sent_at is None


@pytest.mark.django_db
def test_it_marks_the_notification_failed_after_the_last_attempt(broken_email, caplog):
    notification = NotificationFactory(attempts=MAX_ATTEMPTS - 1)

    notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == MAX_ATTEMPTS
    assert notification.last_error == "ConnectionError: Le serveur d'envoi ne répond pas"
    assert f"Notification {notification.pk} failed after 5 attempts" in caplog.text


@pytest.mark.django_db
def test_it_retries_through_the_task_until_the_notification_fails(broken_email):
    notification = NotificationFactory()

    deliver.delay(notification.pk)  # Eager in tests: the retries run at once.

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == MAX_ATTEMPTS
    assert "ne répond pas" in notification.last_error
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_concurrent_workers_send():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes every write: concurrent claims need PostgreSQL.")
    notification = NotificationFactory()
    start = threading.Barrier(2)
    errors = []

    def work():
        try:
            start.wait()
            notification_deliver(notification_id=notification.pk)
        except Exception as error:  # Reported by the assertion below.
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)

    assert errors == []
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_it_requeues_a_pending_row_the_broker_lost():
    with time_machine.travel(NOW, tick=False) as clock:
        lost = NotificationFactory()
        clock.shift(timedelta(minutes=3))

        assert notifications_requeue_pending() == 1

    lost.refresh_from_db()
    assert lost.status == Notification.Status.SENT
    assert [message.to for message in mail.outbox] == [[lost.recipient]]


@pytest.mark.django_db
def test_it_leaves_recent_and_backed_off_rows_to_the_broker():
    with time_machine.travel(NOW, tick=False) as clock:
        recent = NotificationFactory()
        backed_off = NotificationFactory(attempts=1, next_attempt_at=NOW + timedelta(minutes=4))
        clock.shift(timedelta(minutes=1))

        assert requeue_pending.delay().get() == 0

    for notification in (recent, backed_off):
        notification.refresh_from_db()
        assert notification.status == Notification.Status.PENDING
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_resets_and_requeues_a_row_stuck_in_sending():
    with time_machine.travel(NOW, tick=False):
        stuck = NotificationFactory(
            status=Notification.Status.SENDING,
            attempts=1,
            claimed_at=NOW - timedelta(minutes=16),
        )
        busy = NotificationFactory(
            status=Notification.Status.SENDING,
            attempts=1,
            claimed_at=NOW - timedelta(minutes=5),
        )

        assert notifications_requeue_pending() == 1

    stuck.refresh_from_db()
    assert stuck.status == Notification.Status.SENT
    assert stuck.attempts == 2
    busy.refresh_from_db()
    assert busy.status == Notification.Status.SENDING
    assert [message.to for message in mail.outbox] == [[stuck.recipient]]


def test_a_sensitive_message_is_erased_once_sent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification = queue_email(
            to="alice@example.com",
            subject="Votre mot de passe",
            body_text="Mot de passe temporaire : Secret-123",
            event="secret",
            sensitive=True,
        )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.body_text == ""
    assert "Secret-123" in mail.outbox[-1].body


def test_staff_never_see_the_body_of_a_sensitive_message(client, db):
    notification = Notification.objects.create(
        channel=Notification.Channel.EMAIL,
        event="secret",
        recipient="alice@example.com",
        subject="Votre mot de passe",
        body_text="Mot de passe temporaire : Secret-456",
        is_sensitive=True,
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:notifications_notification_change", args=[notification.pk])
    page = client.get(url).content.decode()
    assert "Votre mot de passe" in page
    assert "Secret-456" not in page
