"""Prometheus metrics for the operator, at /metriques/, readable only from the operator's
networks (METRICS_ALLOWED_NETWORKS) or with the token (METRICS_TOKEN, as a bearer);
anyone else gets a 403.

- request latency per view and method: django-prometheus's middleware. With several
  gunicorn workers, each worker writes its samples in PROMETHEUS_MULTIPROC_DIR and a
  scrape adds them up (config/gunicorn.py clears the folder and the dead workers).
- read at scrape time, the same from whichever node answers: the Celery queue length in
  Redis, the outbox rows by channel and status, and the task failures the workers
  counted in Redis (a worker on another machine shares no folder with a web node)."""

import contextlib
import hmac
import ipaddress
import os

import redis
from celery import current_app
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from notifications.selectors import outbox_counts

TASK_FAILURES_KEY = "portail:metrics:celery-task-failures"
CELERY_QUEUES = ("celery",)
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


@login_not_required
@never_cache
def metrics(request):
    if not _may_read(request):
        return HttpResponseForbidden("Réservé à l’exploitation.", content_type="text/plain")
    if MULTIPROCESS:
        # Every worker's samples, added up; then what the database and Redis say.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(PortalCollector())
    else:
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _may_read(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


class PortalCollector:
    """What the database and Redis say at scrape time."""

    def describe(self):
        return []  # read at scrape time only, never when registered

    def collect(self):
        outbox = GaugeMetricFamily(
            "portail_outbox_notifications",
            "Outbox rows (e-mails and SMS) by channel and status.",
            labels=["channel", "status"],
        )
        for channel, status, count in outbox_counts():
            outbox.add_metric([channel, status], count)
        yield outbox
        client = _redis()
        if client is None:
            return
        queue = GaugeMetricFamily(
            "portail_celery_queue_length", "Tasks waiting in the broker.", labels=["queue"]
        )
        failures = CounterMetricFamily(
            "portail_celery_task_failures",
            "Tasks that ended in an error, by task, counted by the workers.",
            labels=["task"],
        )
        try:
            for name in CELERY_QUEUES:
                queue.add_metric([name], client.llen(name))
            for task, count in sorted(client.hgetall(TASK_FAILURES_KEY).items()):
                failures.add_metric([task.decode()], int(count))
        except redis.RedisError:
            return  # Redis down: /sante/ says so; the metrics above are still served
        yield queue
        yield failures


def task_failure_count(task_name: str) -> None:
    """Run by a worker when a task fails (config/celery_app.py)."""
    client = _redis()
    if client is not None:
        # Counting must never hide the task's own error.
        with contextlib.suppress(redis.RedisError):
            client.hincrby(TASK_FAILURES_KEY, task_name, 1)


def _redis() -> redis.Redis | None:
    """The broker's Redis (the task queue; the failure counts live beside it)."""
    url = current_app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return None
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


if not MULTIPROCESS:
    REGISTRY.register(PortalCollector())
