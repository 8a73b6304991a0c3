"""A view that fails holding everything the portal must never send to Sentry, run with
SENTRY_DSN set by tests/config/test_sentry.py (`python -m tests.config.sentry_app`)."""

import logging
import os
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django

logger = logging.getLogger("portail.sentry-check")

PASSWORD = "Mot-de-passe-tres-secret-2026"
SMS_CODE = "654321"
PHONE = "+33612345678"
EMAIL = "paul@start.example"
PROOF = b"%PDF-1.4 carte d'identite de Paul Martin"


def failing_view(request):
    proof = request.FILES["proof"].read()  # a local variable holding a proof
    logger.info("Code de signature %s envoyé au %s (%s)", SMS_CODE, PHONE, EMAIL)
    raise RuntimeError(f"Code {SMS_CODE} refusé pour {EMAIL} ({len(proof)} octets)")


def main():
    """Serves the view through Django's WSGI handler, as gunicorn would, and posts to it."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    django.setup()
    import requests
    import sentry_sdk
    from django.core.wsgi import get_wsgi_application
    from django.test import override_settings
    from django.urls import path

    assert sentry_sdk.get_client().is_active(), "SENTRY_DSN is set: Sentry must be on"
    urls = type("urls", (), {"urlpatterns": [path("panne/", failing_view)]})
    with override_settings(ROOT_URLCONF=urls, MIDDLEWARE=[], ALLOWED_HOSTS=["127.0.0.1"]):
        server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        response = requests.post(
            f"http://127.0.0.1:{server.server_port}/panne/?code={SMS_CODE}&page=2&email={EMAIL}",
            data={"password": PASSWORD},
            files={"proof": ("identite.pdf", PROOF, "application/pdf")},
            headers={
                "Authorization": "Bearer jeton-tres-secret",
                "Cookie": "sessionid=session-tres-secrete",
                "X-Forwarded-For": "203.0.113.7",
            },
            timeout=30,
        )
        server.shutdown()
    assert response.status_code == 500, response.status_code
    sentry_sdk.flush(timeout=10)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    main()
