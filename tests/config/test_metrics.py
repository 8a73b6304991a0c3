"""/metriques/: the operator's Prometheus metrics, for the token or the operator's
networks only; latency per view, outbox rows by status, the Celery queue and the task
failures the workers counted."""

import ipaddress

import pytest
from celery.contrib.testing.worker import start_worker

from common.queue import enqueue
from config.metrics import TASK_FAILURES_KEY, task_failure_count
from notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.support.processes import wait_until

pytestmark = pytest.mark.django_db

TOKEN = "jeton-de-l-exploitation-2026"


@pytest.fixture(autouse=True)
def operator(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]


def _scrape(client, **headers) -> str:
    response = client.get("/metriques/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def _bearer(token=TOKEN) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_without_the_token_or_from_elsewhere_the_metrics_are_refused(client, admin_user):
    assert client.get("/metriques/").status_code == 403
    assert client.get("/metriques/", **_bearer("devine")).status_code == 403
    assert client.get("/metriques/", REMOTE_ADDR="10.21.0.4").status_code == 403
    client.force_login(admin_user)  # staff are not the operator's scraper either
    assert client.get("/metriques/").status_code == 403


def test_the_token_or_the_operators_network_reads_them(client):
    assert "portail_outbox_notifications" in _scrape(client, **_bearer())
    assert "portail_outbox_notifications" in _scrape(client, REMOTE_ADDR="10.20.3.4")


def test_latency_is_measured_per_view(client):
    client.get("/sante/")
    text = _scrape(client, **_bearer())
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="health"}'
        in (text)
    )


def test_outbox_rows_are_counted_by_channel_and_status(client, django_assert_max_num_queries):
    NotificationFactory.create_batch(2)
    NotificationFactory(status=Notification.Status.FAILED)
    NotificationFactory(channel=Notification.Channel.SMS, status=Notification.Status.SENT)
    with django_assert_max_num_queries(1):
        text = _scrape(client, **_bearer())
    assert 'portail_outbox_notifications{channel="email",status="pending"} 2.0' in text
    assert 'portail_outbox_notifications{channel="email",status="failed"} 1.0' in text
    assert 'portail_outbox_notifications{channel="sms",status="sent"} 1.0' in text


# The worker thread closes the database connections it finds: no test transaction then.
@pytest.mark.django_db(transaction=True)
def test_queue_length_and_task_failures_come_from_redis(client, own_redis):
    server, app = own_redis
    for _ in range(3):
        enqueue("accounts.tasks.worker_ping")
    # A task that fails in a worker: the case does not exist.
    enqueue("domiciliation.tasks.render_contract", 987654321)
    text = _scrape(client, **_bearer())
    assert 'portail_celery_queue_length{queue="celery"} 4.0' in text

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        wait_until(
            lambda: server.client().hget(TASK_FAILURES_KEY, "domiciliation.tasks.render_contract"),
            timeout=20,
            failure=lambda: "The worker did not count the failure.",
        )
    task_failure_count("notifications.tasks.deliver")
    text = _scrape(client, **_bearer())
    assert 'portail_celery_queue_length{queue="celery"} 0.0' in text
    assert 'portail_celery_task_failures_total{task="domiciliation.tasks.render_contract"} 1.0' in (
        text
    )
    assert 'portail_celery_task_failures_total{task="notifications.tasks.deliver"} 1.0' in text
