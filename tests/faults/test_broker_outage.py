"""Redis stops while managers validate orders: the orders are saved, their e-mails wait in
the outbox, and once Redis is back the beat job hands them to a worker, each sent once."""

from datetime import timedelta

import pytest
import time_machine

from cesu_orders.models import Invoice, Order, OrderStatus
from notifications.models import Notification
from notifications.services import notifications_requeue_pending
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

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_it_saves_every_order_during_a_redis_outage_and_sends_each_email_once_after_it(
    catalogue, org_a, alice, bob, redis_server, smtp_sink, start_worker
):
    with time_machine.travel(TODAY, tick=True) as clock, broker(redis_server.url):
        address = funder_ready(org_a)
        anna, emile = (BeneficiaryFactory(organization=org_a) for _ in range(2))
        # Redis is up for the first order: its task messages reach the queue...
        orders = [place(org_a, alice, [line(anna)], delivery_to(address))]
        assert redis_server.client().llen("celery") == 2  # Invoice PDF and e-mail.
        # ...then Redis stops, and loses them (no persistence, as after a crash).
        redis_server.stop()
        orders.append(place(org_a, bob, [line(anna), line(emile)], delivery_to(address)))
        orders.append(place(org_a, alice, [line(emile, booklets=3)], delivery_to(address)))

        assert Order.objects.filter(status=OrderStatus.RECEIVED).count() == 3
        assert Invoice.objects.filter(order__in=orders).count() == 3
        assert [o.lines.count() for o in orders] == [1, 2, 1]
        # One e-mail to alice per order, and one to bob for the order he placed.
        assert [
            (n.recipient, n.status, n.attempts) for n in Notification.objects.order_by("pk")
        ] == [
            ("alice@example.com", "pending", 0),
            ("bob@example.com", "pending", 0),
            ("alice@example.com", "pending", 0),
            ("alice@example.com", "pending", 0),
        ]

        redis_server.start()
        assert redis_server.client().llen("celery") == 0  # The first order's messages are lost.
        clock.shift(timedelta(minutes=5))
        # The beat job runs twice before any worker is there: every row is queued twice.
        assert notifications_requeue_pending() == 4
        assert notifications_requeue_pending() == 4

    worker = start_worker()
    wait_until(
        lambda: (
            not Notification.objects.exclude(status=Notification.Status.SENT).exists()
            and redis_server.is_drained()
        ),
        timeout=20,
        failure=lambda: f"Not all sent.\n{worker.tail()}",
    )
    notifications = list(Notification.objects.order_by("pk"))
    assert sorted(smtp_sink.received) == sorted((n.recipient, n.subject) for n in notifications)
    assert [n.subject for n in notifications] == [
        f"Confirmation de prise en charge de votre commande {order.number}"
        for order in [orders[0], orders[1], orders[1], orders[2]]
    ]
    # Eight task runs for four rows: each row claimed once, the duplicates found it taken.
    assert len(worker.tasks("notifications.tasks.deliver", "succeeded")) == 8
    assert [n.attempts for n in notifications] == [1, 1, 1, 1]
