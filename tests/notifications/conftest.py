import copy

import pytest
import redis

from notifications import sms
from tests.support.brokers import DOWN_BROKER_URL, REDIS_URL, broker

EVENT = "essai_rappel"

# Test-only event templates: they extend the real layouts of templates/emails/.
EVENT_TEMPLATES = {
    f"emails/{EVENT}/subject.txt": "Rappel : l'échéance de {{ name }}\n",
    f"emails/{EVENT}/body.txt": (
        '{% extends "emails/base.txt" %}{% block content %}'
        "Bonjour {{ name }},\n\nVotre échéance arrive : {{ portal_base_url }}/espace/"
        "{% endblock %}"
    ),
    f"emails/{EVENT}/body.html": (
        '{% extends "emails/base.html" %}{% block content %}'
        "<p>Bonjour {{ name }},</p>"
        '<p><a href="{{ portal_base_url }}/espace/">Votre échéance arrive</a></p>'
        "{% endblock %}"
    ),
    f"sms/{EVENT}.txt": "Portail : l'échéance de {{ name }} arrive. {{ portal_base_url }}\n",
}


@pytest.fixture
def add_templates(settings, tmp_path):
    """Adds templates, given as {name: source}, for this test only."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates

    def add(sources: dict[str, str]) -> None:
        for name, source in sources.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source, encoding="utf-8")

    return add


@pytest.fixture
def event(add_templates):
    """The name of an event whose templates exist for this test only."""
    add_templates(EVENT_TEMPLATES)
    return EVENT


@pytest.fixture(autouse=True)
def sms_outbox():
    """LocmemSmsBackend's outbox, emptied around each test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def down_broker():
    """The Celery app with a broker that is down."""
    with broker(DOWN_BROKER_URL) as app:
        yield app


@pytest.fixture
def redis_broker():
    """The Redis of REDIS_URL as broker, with an empty queue. Fails (never skips) when
    Redis is unreachable."""
    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    with broker(REDIS_URL) as app:
        app.control.purge()
        yield app
