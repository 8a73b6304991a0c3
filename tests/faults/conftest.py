"""Fixtures of the fault tests. Every process a test starts is stopped at its end, pass or
fail; the workers first, then Redis and the SMTP sink, then the database is flushed."""

import pytest

from tests.cesu_orders.factories import catalogue  # noqa: F401 - shared fixture
from tests.faults.harness import SmtpSink
from tests.support.processes import LOOPBACK, RedisServer, Worker, database_url


@pytest.fixture
def redis_server(tmp_path):
    """A Redis of this test's own, started."""
    server = RedisServer(tmp_path / "redis")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def start_worker(transactional_db, tmp_path, redis_server, smtp_sink):
    """Starts a Celery worker on this test's Redis, database and SMTP sink; returns it
    once it consumes."""
    database_url()  # Skips at once on SQLite, before the test does anything.
    workers = []

    def start() -> Worker:
        worker = Worker(
            name=f"faults-worker-{len(workers) + 1}",
            broker_url=redis_server.url,
            directory=tmp_path,
            env={
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": LOOPBACK,
                "EMAIL_PORT": str(smtp_sink.port),
            },
        )
        workers.append(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        smtp_sink.release()  # A worker held in DATA would delay its warm shutdown.
        for worker in workers:
            worker.stop()
