from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_health_reports_the_database(client, db, settings):
    settings.REDIS_URL = ""
    with CaptureQueriesContext(connection):
        response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_fails_when_redis_is_unreachable(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")
    assert response.json()["database"] == "ok"
