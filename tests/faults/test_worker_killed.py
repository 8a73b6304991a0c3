"""A worker killed while it sends an e-mail: the row it claimed is handed out again once
stuck, the unacknowledged task message comes back too, and the e-mail is sent once."""

from datetime import timedelta

import pytest
import time_machine
from django.db.models import F

from notifications.models import Notification
from notifications.services import STUCK_AFTER, notifications_requeue_pending
from tests.cesu_orders.factories import (
    TODAY,
    BeneficiaryFactory,
    delivery_to,
    funder_ready,
    line,
    place,
)
from tests.support.brokers import broker
from tests.support.processes import wait_until

DELIVER = "notifications.tasks.deliver"

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_it_sends_the_email_once_when_the_worker_is_killed_while_sending_it(
    catalogue, org_a, alice, redis_server, smtp_sink, start_worker
):
    first = start_worker()
    smtp_sink.hold_next()  # The provider is slow to answer: the worker waits in DATA.
    with time_machine.travel(TODAY, tick=True), broker(redis_server.url):
        address = funder_ready(org_a)
        order = place(
            org_a, alice, [line(BeneficiaryFactory(organization=org_a))], delivery_to(address)
        )
    (notification,) = Notification.objects.all()

    wait_until(
        smtp_sink.holding.is_set,
        timeout=20,
        failure=lambda: f"The worker never reached the SMTP sink.\n{first.tail()}",
    )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENDING
    first.kill()
    smtp_sink.release()

    # acks_late: the message of the interrupted task was never acknowledged.
    assert redis_server.client().hlen("unacked") == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENDING, 1)
    assert smtp_sink.received == []

    # Time passes (moved, not waited): the claim is older than STUCK_AFTER, and the
    # broker's visibility timeout is over for the unacknowledged message.
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=F("claimed_at") - STUCK_AFTER - timedelta(minutes=1)
    )
    assert redis_server.expire_unacked() == 1
    with broker(redis_server.url):
        assert notifications_requeue_pending() == 1
    # The new worker takes both messages: the restored one and the beat job's.
    second = start_worker()
    wait_until(
        lambda: (
            Notification.objects.get(pk=notification.pk).status == Notification.Status.SENT
            and redis_server.is_drained()
        ),
        timeout=20,
        failure=lambda: f"Not sent, or messages left in Redis.\n{second.tail()}",
    )

    notification.refresh_from_db()
    assert notification.attempts == 2
    assert smtp_sink.received == [
        ("alice@example.com", f"Confirmation de prise en charge de votre commande {order.number}")
    ]
    # The killed worker's task came back and found the row taken: two runs, one e-mail.
    (interrupted,) = first.tasks(DELIVER, "received")
    assert first.tasks(DELIVER, "succeeded") == []
    assert interrupted in second.tasks(DELIVER, "succeeded")
    assert len(second.tasks(DELIVER, "succeeded")) == 2
