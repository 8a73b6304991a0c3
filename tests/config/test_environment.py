"""Every variable the settings read is documented in .env.example, and docker-compose.yml
sets only variables something reads."""

import re

from django.conf import settings

ROOT = settings.BASE_DIR
READ = re.compile(
    r"""env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"|environ\.get\(\s*"([A-Z0-9_]+)"|environ\["([A-Z0-9_]+)"\]"""
)
SOURCES = [*sorted((ROOT / "config" / "settings").glob("*.py")), ROOT / "config" / "gunicorn.py"]
# Read by libraries, not by our settings.
LIBRARY_VARIABLES = {"DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR"}


def _read() -> set[str]:
    names = set()
    for path in SOURCES:
        for groups in READ.findall(path.read_text(encoding="utf-8")):
            names.update(name for name in groups if name)
    return names


def _documented() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z0-9_]+)=", text, re.MULTILINE))


def test_every_variable_read_by_the_settings_is_in_env_example():
    read = _read()
    assert {"S3_BUCKET", "METRICS_TOKEN", "SENTRY_DSN", "GUNICORN_WORKERS"} <= read
    assert sorted(read - _documented()) == []


def test_docker_compose_sets_only_variables_that_are_read():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    environment = set(re.findall(r"^    ([A-Z][A-Z0-9_]+): ", text, re.MULTILINE))
    assert {"S3_BUCKET", "S3_ENDPOINT_URL", "REDIS_URL"} <= environment
    assert sorted(environment - _read() - LIBRARY_VARIABLES) == []
