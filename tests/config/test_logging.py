"""Structured logs: one JSON object per line in production, with the request id; the
tasks a request queues log under the same request id, in the worker."""

import json
import logging

import pytest
import structlog
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from accounts.health import ANSWER_KEY, PING_LOCK_KEY
from config.logging import logging_settings
from tests.support.processes import wait_until

pytestmark = pytest.mark.django_db


def _json_formatter() -> logging.Formatter:
    options = dict(logging_settings(level="INFO", output="json")["formatters"]["structured"])
    return options.pop("()")(**options)


def test_a_line_of_the_logging_module_is_a_json_object_with_the_request_id():
    structlog.contextvars.bind_contextvars(request_id="4f1c-demande")
    try:
        record = logging.LogRecord(
            "common.queue", logging.WARNING, __file__, 1, "Task %s not queued", ("x",), None
        )
        line = json.loads(_json_formatter().format(record))
    finally:
        structlog.contextvars.clear_contextvars()
    assert line["event"] == "Task x not queued"
    assert line["level"] == "warning"
    assert line["logger"] == "common.queue"
    assert line["request_id"] == "4f1c-demande"
    assert line["timestamp"].endswith("Z")


def _events(caplog, event: str) -> list[dict]:
    return [
        record.msg
        for record in caplog.records
        if isinstance(record.msg, dict) and record.msg.get("event") == event
    ]


# The worker thread closes the database connections it finds: no test transaction then.
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_logs_under_the_request_id(
    client, own_redis, caplog, capsys, settings
):
    server, app = own_redis
    settings.REDIS_URL = ""
    cache.delete_many([ANSWER_KEY, PING_LOCK_KEY])
    caplog.set_level(logging.INFO)
    client.get("/sante/")  # queues the worker ping
    (finished,) = _events(caplog, "request_finished")
    request_id = finished["request_id"]
    (message,) = [json.loads(raw) for raw in server.client().lrange("celery", 0, -1)]
    assert message["headers"]["task"] == "accounts.tasks.worker_ping"
    assert message["headers"]["__django_structlog__"]["request_id"] == request_id

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        wait_until(
            lambda: cache.get(ANSWER_KEY) is not None,
            timeout=20,
            failure=lambda: "The worker did not run the ping.",
        )
    # The worker logs with the portal's configuration (config/celery_app.py), to stderr.
    (started,) = [line for line in capsys.readouterr().err.splitlines() if "task_started" in line]
    assert "task=accounts.tasks.worker_ping" in started
    assert f"request_id={request_id}" in started
