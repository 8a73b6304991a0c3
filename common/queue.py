"""Queueing Celery tasks by name, so that no service imports a task module (tasks import
services, never the other way round), and without letting a broken broker break the
request: the write is saved, the task is logged as not queued, and a beat job catches
up. The one broker-down path of the portal."""

import importlib
import logging
from functools import partial

from celery import current_app
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _task(name: str):
    """The registered task called `name` ("app.tasks.function"). Its module is imported
    first: the web process has not necessarily loaded it, and an eager run (embedded
    default, tests) needs the task object itself."""
    importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


def enqueue(name: str, *args) -> bool:
    """Queues the task `name` with `args` now. Returns False, after logging, when the
    broker is unreachable: the caller's beat job will catch up."""
    try:
        _task(name).delay(*args)
    except (KombuError, RedisError, OSError):
        logger.warning("Task %s%s not queued: broker unreachable.", name, args, exc_info=True)
        return False
    return True


def enqueue_on_commit(name: str, *args) -> None:
    """Queues the task `name` with `args` once the current transaction commits."""
    transaction.on_commit(partial(enqueue, name, *args))
