"""Switching the Celery app to a real broker for a test, and back."""

import os
from contextlib import contextmanager

from kombu import pools

from config.celery_app import app as celery_app

# A loopback port where nothing listens.
DOWN_BROKER_URL = "redis://127.0.0.1:1/0"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


@contextmanager
def broker(url: str):
    """Runs the Celery app against `url` without eager tasks, then restores it."""
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "task_always_eager", "worker_hijack_root_logger")
    }
    _reset_connections()
    celery_app.conf.update(broker_url=url, task_always_eager=False, worker_hijack_root_logger=False)
    try:
        yield celery_app
    finally:
        _reset_connections()
        celery_app.conf.update(saved)


def _reset_connections() -> None:
    """Closes and forgets the pooled broker connections, which keep the URL they were
    opened with (kombu keeps its pools in a global registry, hence pools.reset())."""
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
