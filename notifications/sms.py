"""SMS backends, chosen by settings.SMS_BACKEND like Django's e-mail backends:
"console", "locmem" (tests), "brevo" or the dotted path of a BaseSmsBackend subclass."""

import logging
import uuid

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Messages sent by LocmemSmsBackend, like django.core.mail.outbox.
outbox: list[dict] = []


class SmsError(Exception):
    """The provider refused or could not take the message."""


class BaseSmsBackend:
    def send(self, *, to: str, text: str, sender: str) -> str:
        """Sends `text` to the E.164 number `to`; returns the provider's message id."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, *, to: str, text: str, sender: str) -> str:
        message_id = f"console-{uuid.uuid4()}"
        logger.info("SMS %s from %s to %s:\n%s", message_id, sender, to, text)
        return message_id


class LocmemSmsBackend(BaseSmsBackend):
    def send(self, *, to: str, text: str, sender: str) -> str:
        message_id = f"locmem-{len(outbox) + 1}"
        outbox.append({"id": message_id, "to": to, "text": text, "sender": sender})
        return message_id


class BrevoSmsBackend(BaseSmsBackend):
    """Brevo transactional SMS (POST /v3/transactionalSMS/send)."""

    url = "https://api.brevo.com/v3/transactionalSMS/send"
    timeout = 10

    def send(self, *, to: str, text: str, sender: str) -> str:
        try:
            response = requests.post(
                self.url,
                json={
                    "sender": sender,
                    "recipient": to,
                    "content": text,
                    "type": "transactional",
                    # Without it Brevo turns « é » into « e ».
                    "unicodeEnabled": True,
                },
                headers={"api-key": settings.BREVO_SMS_API_KEY, "accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise SmsError(f"Brevo unreachable: {error}") from error
        if not response.ok:
            raise SmsError(f"Brevo answered {response.status_code}: {response.text[:500]}")
        return str(response.json().get("messageId", ""))


BACKENDS = {
    "console": ConsoleSmsBackend,
    "locmem": LocmemSmsBackend,
    "brevo": BrevoSmsBackend,
}


def get_sms_backend() -> BaseSmsBackend:
    """The backend named by settings.SMS_BACKEND (a short name or a dotted path)."""
    name = settings.SMS_BACKEND
    if name in BACKENDS:
        return BACKENDS[name]()
    try:
        backend_class = import_string(name)
    except ImportError as error:
        raise ImproperlyConfigured(f"Unknown SMS_BACKEND {name!r}.") from error
    if not (isinstance(backend_class, type) and issubclass(backend_class, BaseSmsBackend)):
        raise ImproperlyConfigured(f"SMS_BACKEND {name!r} is not a BaseSmsBackend.")
    return backend_class()
