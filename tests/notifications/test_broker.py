"""The outbox against a real broker: Celery runs without eager tasks here."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from notifications.models import Notification
from notifications.services import notifications_requeue_pending, notify
from tests.support.brokers import DOWN_BROKER_URL, broker


def wait_for_status(notification: Notification, status: str, timeout: float = 10) -> None:
    """Polls the row a worker thread is sending (a real worker cannot be time-travelled)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.status == status:
            return
        time.sleep(0.05)
    pytest.fail(f"Notification still {notification.status!r} after {timeout} s.")


@pytest.mark.django_db(transaction=True)
def test_it_commits_and_keeps_the_row_pending_when_the_broker_is_down(event, down_broker, caplog):
    with transaction.atomic():
        (notification,) = notify(
            event, email="a@example.com", context={"name": "A"}, idempotency_key="panne-1"
        )

    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 0
    assert f"Broker unreachable: notification {notification.pk} stays pending." in caplog.text
    assert notifications_requeue_pending(older_than=timedelta(0)) == 0
    assert mail.outbox == []


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_it_delivers_through_a_real_worker(event, redis_broker):
    with start_worker(redis_broker, perform_ping_check=False, pool="solo"):
        with transaction.atomic():
            (notification,) = notify(
                event, email="a@example.com", context={"name": "Zoé"}, idempotency_key="v-1"
            )

        wait_for_status(notification, Notification.Status.SENT)

    (message,) = mail.outbox
    assert message.to == ["a@example.com"]
    assert message.subject == "Rappel : l'échéance de Zoé"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_it_delivers_a_row_left_pending_once_the_broker_is_back(event, redis_broker):
    with broker(DOWN_BROKER_URL), transaction.atomic():
        (notification,) = notify(
            event, email="a@example.com", context={"name": "A"}, idempotency_key="panne-2"
        )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING

    with start_worker(redis_broker, perform_ping_check=False, pool="solo"):
        assert notifications_requeue_pending(older_than=timedelta(0)) == 1
        wait_for_status(notification, Notification.Status.SENT)

    assert [message.to for message in mail.outbox] == [["a@example.com"]]
