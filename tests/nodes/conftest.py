"""The stack of the several-nodes test, started once for the module: an S3 server,
Redis, two web nodes and a Celery worker, all on loopback, sharing the test database
(PostgreSQL) and nothing on disk."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from directory.models import Department, Region
from directory.reference import load_reference_data
from domiciliation.catalogue import ensure_default_contract_template, ensure_proof_types
from domiciliation.models import ContractTemplate, ProofType
from tests.cesu_orders.factories import catalogue  # noqa: F401 - shared fixture
from tests.nodes.harness import HOST, WebNode
from tests.support.brokers import broker
from tests.support.processes import RedisServer, Worker, database_url, wait_until
from tests.support.s3 import S3Server, private_files_in

METRICS_TOKEN = "jeton-des-noeuds"


@dataclass
class Stack:
    s3: S3Server
    redis: RedisServer
    a: WebNode
    b: WebNode
    worker: Worker
    worker_disk: Path


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("Several processes share the test database: PostgreSQL only.")
        url = database_url()
    directory = tmp_path_factory.mktemp("nodes")
    started = []
    try:
        redis = RedisServer(directory / "redis")
        redis.start()
        started.append(redis)
        s3 = S3Server(directory / "s3")
        # What every process of the portal gets: the same database, Redis (cache, rate
        # limits, broker) and bucket; nothing else in common.
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "DJANGO_LOG_FORMAT": "json",
            "DATABASE_URL": url,
            "REDIS_URL": redis.url,
            "CELERY_BROKER_URL": redis.url,
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "SMS_BACKEND": "console",
            "METRICS_TOKEN": METRICS_TOKEN,
            **s3.environment(),
        }
        # Node A has 2 gunicorn workers (metrics and rate limits across processes of one
        # node), node B one (a machine of its own).
        nodes = [
            WebNode("node-a", directory=directory / "node-a", env=env, workers=2),
            WebNode("node-b", directory=directory / "node-b", env=env, workers=1),
        ]
        worker_disk = directory / "worker"
        worker_disk.mkdir()
        worker = Worker(name="nodes-worker", broker_url=redis.url, directory=worker_disk, env=env)
        # Launched together, then awaited: they boot on the machine's cores side by side.
        servers = [s3, *nodes, worker]
        for server in servers:
            server.launch()
            started.append(server)
        for server in servers:
            server.wait_ready()
        yield Stack(
            s3=s3, redis=redis, a=nodes[0], b=nodes[1], worker=worker, worker_disk=worker_disk
        )
    finally:
        for server in reversed(started):
            server.stop()


@pytest.fixture
def shared(stack, transactional_db, catalogue):  # noqa: F811 - the fixture above
    """This test's data in the shared database, its files in the shared bucket (as the
    nodes see them), its tasks queued to the shared worker, and fresh rate limits."""
    if not Department.objects.exists():
        load_reference_data(Region, Department)
    ensure_proof_types(ProofType)
    ensure_default_contract_template(ContractTemplate)
    stack.redis.client().flushdb()
    with private_files_in(stack.s3, "private"), broker(stack.redis.url):
        yield stack
    # Nothing in flight when the database is emptied for the next test.
    wait_until(
        stack.redis.is_drained,
        timeout=60,
        failure=lambda: f"Tasks left in the queue.\n{stack.worker.tail()}",
    )
