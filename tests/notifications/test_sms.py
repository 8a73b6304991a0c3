import json
import logging

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured

from notifications.sms import (
    BrevoSmsBackend,
    ConsoleSmsBackend,
    LocmemSmsBackend,
    SmsError,
    get_sms_backend,
)


class FakeTransport:
    """Stands in for requests' HTTP adapter: records each request, answers `reply`."""

    def __init__(self, status: int, reply: dict):
        self.status = status
        self.reply = reply
        self.requests = []
        self.timeouts = []

    def send(self, request, **kwargs):
        self.requests.append(request)
        self.timeouts.append(kwargs.get("timeout"))
        response = requests.Response()
        response.status_code = self.status
        response._content = json.dumps(self.reply).encode()
        response.headers["Content-Type"] = "application/json"
        response.request = request
        response.url = request.url
        return response


@pytest.fixture
def brevo(settings, monkeypatch):
    settings.SMS_BACKEND = "brevo"
    settings.BREVO_SMS_API_KEY = "xkeysib-essai"

    def answer(status: int, reply: dict) -> FakeTransport:
        transport = FakeTransport(status, reply)
        monkeypatch.setattr(
            requests.adapters.HTTPAdapter,
            "send",
            lambda adapter, request, **kwargs: transport.send(request, **kwargs),
        )
        return transport

    return answer


@pytest.mark.parametrize(
    ("name", "backend_class"),
    [
        ("console", ConsoleSmsBackend),
        ("locmem", LocmemSmsBackend),
        ("brevo", BrevoSmsBackend),
        ("notifications.sms.LocmemSmsBackend", LocmemSmsBackend),
    ],
)
def test_it_selects_the_backend_named_in_the_settings(settings, name, backend_class):
    settings.SMS_BACKEND = name

    assert type(get_sms_backend()) is backend_class


@pytest.mark.parametrize(
    "name", ["pigeon", "notifications.sms.Pigeon", "notifications.sms.SmsError"]
)
def test_it_refuses_an_unknown_backend(settings, name):
    settings.SMS_BACKEND = name

    with pytest.raises(ImproperlyConfigured, match="SMS_BACKEND"):
        get_sms_backend()


def test_it_records_the_sms_in_the_locmem_outbox(sms_outbox):
    message_id = LocmemSmsBackend().send(to="+33612345678", text="Reçu n° 42", sender="Portail")

    assert sms_outbox == [
        {"id": message_id, "to": "+33612345678", "text": "Reçu n° 42", "sender": "Portail"}
    ]


def test_it_logs_the_sms_on_the_console_backend(caplog):
    caplog.set_level(logging.INFO, logger="notifications.sms")

    ConsoleSmsBackend().send(to="+33612345678", text="Votre code : 123456", sender="Portail")

    assert "to +33612345678" in caplog.text
    assert "Votre code : 123456" in caplog.text


def test_it_posts_a_transactional_sms_to_brevo(brevo):
    transport = brevo(201, {"messageId": 1511882900176220})

    message_id = get_sms_backend().send(
        to="+33612345678", text="Votre échéance arrive.", sender="Portail"
    )

    assert message_id == "1511882900176220"
    (request,) = transport.requests
    assert request.method == "POST"
    assert request.url == "https://api.brevo.com/v3/transactionalSMS/send"
    assert request.headers["api-key"] == "xkeysib-essai"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {
        "sender": "Portail",
        "recipient": "+33612345678",
        "content": "Votre échéance arrive.",
        "type": "transactional",
        "unicodeEnabled": True,
    }
    assert transport.timeouts == [10]


def test_it_raises_the_brevo_error(brevo):
    brevo(400, {"code": "invalid_parameter", "message": "Invalid phone number"})

    with pytest.raises(SmsError, match="400.*Invalid phone number"):
        get_sms_backend().send(to="+33600", text="Bonjour", sender="Portail")


def test_it_raises_an_sms_error_when_brevo_is_unreachable(settings, monkeypatch):
    settings.SMS_BACKEND = "brevo"

    def refuse(adapter, request, **kwargs):
        raise requests.ConnectionError("connexion refusée")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)

    with pytest.raises(SmsError, match="unreachable"):
        get_sms_backend().send(to="+33612345678", text="Bonjour", sender="Portail")
