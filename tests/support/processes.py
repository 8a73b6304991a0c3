"""Servers a test starts for itself on loopback, each on a free port of its own (never the
machine's Redis): a throwaway Redis, Celery workers, and the helpers to wait for one and
stop it for sure. Used by the fault tests, the storage tests and the several-nodes test."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

LOOPBACK = "127.0.0.1"
MACHINE_REDIS_PORT = 6379
CELERY = Path(sys.executable).with_name("celery")
# Kombu's Redis keys: the default queue, and the messages delivered but not acknowledged.
QUEUE, UNACKED, UNACKED_INDEX = "celery", "unacked", "unacked_index"


def free_port() -> int:
    """A loopback port nobody listens on (never the machine's Redis port)."""
    while True:
        with socket.socket() as probe:
            probe.bind((LOOPBACK, 0))
            port = probe.getsockname()[1]
        if port != MACHINE_REDIS_PORT:
            return port


def wait_until(condition, *, timeout: float, failure) -> None:
    """Polls `condition` every 50 ms; fails with `failure()` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(failure())
        time.sleep(0.05)


def stop_process(process: subprocess.Popen | None) -> None:
    """SIGTERM, then SIGKILL after 10 s: the process is gone when this returns."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def database_url() -> str:
    """The test database, as a URL a worker process can open (PostgreSQL only: an
    in-memory SQLite database cannot be shared with another process)."""
    if connection.vendor != "postgresql":
        pytest.skip("A worker process shares the test database: PostgreSQL only.")
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


class LoggedServer:
    """A server a test starts, its output in `log_path`: `command()` says how to start
    it, `is_ready()` when it serves. Started with `start()`, or `launch()` now and
    `wait_ready()` later, so that several boot side by side."""

    name = "server"
    log_path: Path
    env: dict | None = None
    process: subprocess.Popen | None = None
    READY_TIMEOUT = 60

    def command(self) -> list[str]:
        raise NotImplementedError

    def is_ready(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(part) for part in self.command()],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        wait_until(
            self._ready,
            timeout=self.READY_TIMEOUT,
            failure=lambda: f"{self.name} not ready.\n{self.tail()}",
        )

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} exited with {self.process.returncode}.\n{self.tail()}")
        return self.is_ready()

    def stop(self) -> None:
        stop_process(self.process)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self) -> str:
        """The end of the log, for a failure message."""
        return self.output()[-5000:]


class RedisServer:
    """redis-server on a free loopback port, without persistence: once stopped, what it
    held is lost, as after a crash. Started again, it listens on the same port."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host=LOOPBACK, port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                LOOPBACK,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(
            self._answers, timeout=10, failure=lambda: f"redis-server did not start: {self.url}"
        )

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"redis-server exited with {self.process.returncode} on {self.url}")
        try:
            return self.client().ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None

    def is_drained(self) -> bool:
        """Every message taken and acknowledged: nothing waits, nothing is in flight."""
        client = self.client()
        return client.llen(QUEUE) == 0 and client.hlen(UNACKED) == 0

    def expire_unacked(self) -> int:
        """Dates the unacknowledged messages back to the epoch, as if the broker's
        visibility timeout (one hour) had passed: a worker that starts now restores them
        to the queue. Returns how many there were."""
        client = self.client()
        tags = client.hkeys(UNACKED)
        if tags:
            client.zadd(UNACKED_INDEX, dict.fromkeys(tags, 0))
        return len(tags)


class Worker(LoggedServer):
    """`celery -A config worker` in its own process, on the test's Redis and database,
    with the settings an operator runs (config.settings.local); `env` adds to them (an
    SMTP sink, an S3 bucket)."""

    def __init__(self, *, name: str, broker_url: str, directory: Path, env: dict | None = None):
        self.name = name
        self.log_path = directory / f"{name}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DJANGO_LOG_LEVEL": "INFO",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "CELERY_BROKER_URL": broker_url,
            "SMS_BACKEND": "console",
            "DJANGO_MEDIA_ROOT": str(directory / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(directory / "private-media"),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }

    def command(self) -> list[str]:
        return [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={self.name}@localhost",
        ]

    def is_ready(self) -> bool:
        return f"{self.name}@localhost ready." in self.output()

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, no cleanup."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def tasks(self, name: str, outcome: str) -> list[str]:
        """The ids of the tasks `name` this worker logged as `outcome` ("received",
        "succeeded")."""
        return re.findall(rf"Task {re.escape(name)}\[([0-9a-f-]+)\] {outcome}", self.output())
