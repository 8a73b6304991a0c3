"""Queueing Celery tasks after a commit without letting a broken broker break the
request: the write is saved, the task is logged as not queued, and a beat job catches up."""

import logging
from functools import partial

from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _send(task, args) -> None:
    try:
        task.delay(*args)
    except (KombuError, RedisError, OSError):
        logger.warning("Broker unreachable: %s%s not queued.", task.name, args, exc_info=True)


def enqueue_on_commit(task, *args) -> None:
    """Queues `task(*args)` once the current transaction commits."""
    transaction.on_commit(partial(_send, task, args))
