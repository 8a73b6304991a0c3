"""What /sante/ reports, for the load balancer and the operator: the database, Redis,
the file storage and whether a Celery worker answered lately. The first three make a
node unfit to serve (503); a silent worker does not (every node would be taken out for
it), the report says « degraded » instead.

A worker « answers » by running the ping task that a health probe queues, at most once
a minute (whichever node is probed): the time it ran is kept in the shared cache."""

import os
import time
from pathlib import Path

import redis
from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection

from common.queue import enqueue

PING_TASK = "accounts.tasks.worker_ping"
ANSWER_KEY = "health:worker-answered-at"
PING_LOCK_KEY = "health:worker-ping-queued"
PING_EVERY = 60
# A worker silent for longer than this is reported (5 pings missed).
ANSWER_MAX_AGE = 5 * 60


def health_report() -> tuple[dict[str, str], int]:
    """The checks by name ("ok" or "error: …") with an overall status, and the HTTP
    status to answer."""
    checks = {"database": _check(lambda: connection.cursor().execute("SELECT 1"))}
    if settings.REDIS_URL:
        checks["redis"] = _check(_ping_redis)
    checks["storage"] = _check(_probe_storage)
    vital = all(value == "ok" for value in checks.values())
    checks["worker"] = _worker_state()
    if not vital:
        return {"status": "error", **checks}, 503
    status = "ok" if checks["worker"] in ("ok", "in-process") else "degraded"
    return {"status": status, **checks}, 200


def worker_answer() -> None:
    """Run by a worker (the ping task): records that it answered, now."""
    cache.set(ANSWER_KEY, time.time(), timeout=None)


def _worker_state() -> str:
    if current_app.conf.task_always_eager:
        return "in-process"  # no broker: tasks run in the web process (make run)
    try:
        if cache.add(PING_LOCK_KEY, True, timeout=PING_EVERY):
            enqueue(PING_TASK)
        answered_at = cache.get(ANSWER_KEY)
    except Exception as exc:  # noqa: BLE001 - reported, never raised
        return f"error: {exc.__class__.__name__}"
    if answered_at is None:
        return "error: no worker has answered yet"
    age = int(time.time() - answered_at)
    if age > ANSWER_MAX_AGE:
        return f"error: no worker has answered for {age // 60} min"
    return "ok"


def _ping_redis():
    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()


def _probe_storage():
    storage = storages["private"]
    if hasattr(storage, "probe"):
        storage.probe()  # the bucket answers
        return
    # On disk: the folder, or the folder it will be made in on the first upload, is
    # writable.
    location = Path(storage.location).resolve()
    existing = next(path for path in (location, *location.parents) if path.exists())
    if not existing.is_dir():
        raise NotADirectoryError(existing)
    if not os.access(existing, os.W_OK):
        raise PermissionError(existing)


def _check(probe) -> str:
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - any failure makes the node unhealthy
        return f"error: {exc.__class__.__name__}"
    return "ok"
