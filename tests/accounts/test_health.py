"""/sante/: the database, Redis, the file storage and the Celery workers, for the load
balancer (503 when the node cannot serve) and the operator."""

from datetime import timedelta

import time_machine
from django.core.cache import cache
from django.utils import timezone

from accounts.health import ANSWER_KEY, PING_LOCK_KEY, worker_answer
from tests.support.brokers import DOWN_BROKER_URL, broker
from tests.support.s3 import private_storage_as


def test_health_reports_the_database_the_storage_and_tasks_run_in_process(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "worker": "in-process",
    }


def test_health_fails_when_redis_is_unreachable(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "error"


def test_a_private_folder_that_cannot_be_made_makes_the_node_unhealthy(
    client, db, settings, tmp_path
):
    settings.REDIS_URL = ""
    blocking = tmp_path / "private-media"
    blocking.write_text("a file where the folder should be")
    backend = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocking / "files")},
    }
    with private_storage_as(backend):
        response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["storage"] == "error: NotADirectoryError"


def test_a_silent_worker_is_reported_without_taking_the_node_out(client, db, settings):
    settings.REDIS_URL = ""
    cache.delete_many([ANSWER_KEY, PING_LOCK_KEY])
    with broker(DOWN_BROKER_URL):
        response = client.get("/sante/")
        assert response.status_code == 200
        assert response.json()["status"] == "degraded"
        assert response.json()["worker"] == "error: no worker has answered yet"

        worker_answer()
        assert client.get("/sante/").json() == {
            "status": "ok",
            "database": "ok",
            "storage": "ok",
            "worker": "ok",
        }
        with time_machine.travel(timezone.now() + timedelta(minutes=7)):
            response = client.get("/sante/")
        assert response.json()["worker"] == "error: no worker has answered for 7 min"
