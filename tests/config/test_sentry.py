"""Sentry is off unless SENTRY_DSN is set; on, a failing request reaches it without any
personal data: the test receives the real envelope the SDK sends to a local endpoint."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import sentry_sdk
from django.conf import settings

from config.sentry import scrub_event
from tests.config import sentry_app
from tests.support.processes import LOOPBACK


class _Sink(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's hook
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_sentry_is_off_without_a_dsn():
    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()


def test_a_failing_request_reaches_sentry_without_personal_data():
    _Sink.received = []
    server = ThreadingHTTPServer((LOOPBACK, 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tests.config.sentry_app"],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "SENTRY_DSN": f"http://publickey@{LOOPBACK}:{server.server_port}/1",
                "SENTRY_ENVIRONMENT": "test",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stdout + result.stderr
    envelope = b"\n".join(_Sink.received).decode()
    events = [json.loads(line) for line in envelope.splitlines() if '"exception"' in line]
    assert len(events) == 1
    (event,) = events
    assert event["exception"]["values"][0]["type"] == "RuntimeError"
    message = event["exception"]["values"][0]["value"]
    assert message == "Code [code] refusé pour [e-mail] (40 octets)"
    assert event["request"]["url"].endswith("/panne/")
    for secret in (
        sentry_app.PASSWORD,
        sentry_app.SMS_CODE,
        sentry_app.PHONE,
        sentry_app.EMAIL,
        "carte d'identite",
        "jeton-tres-secret",
        "session-tres-secrete",
        "203.0.113.7",
    ):
        assert secret not in envelope, secret
    crumbs = [crumb["message"] for crumb in event["breadcrumbs"]["values"]]
    assert "Code de signature [code] envoyé au [téléphone] ([e-mail])" in crumbs


def test_the_scrubber_filters_sensitive_names_wherever_they_are():
    event = scrub_event(
        {
            "request": {
                "url": "https://portail.example/signature/?code=123456",
                "data": {"password": "x"},
                "cookies": {"sessionid": "x"},
                "headers": {"Authorization": "Bearer x", "Content-Type": "text/html"},
                "query_string": "code=123456&page=2",
            },
            "user": {"email": "paul@start.example"},
            "extra": {"sms_code": "123456", "case": {"rep_mobile": "+33612345678", "n": 3}},
            "breadcrumbs": {"values": [{"message": "ok", "data": {"status_code": 500}}]},
        }
    )
    assert event["request"] == {
        "url": "https://portail.example/signature/?code=[code]",
        "headers": {"Authorization": "[Filtered]", "Content-Type": "text/html"},
        "query_string": "code=%5BFiltered%5D&page=2",
    }
    assert "user" not in event
    assert event["extra"] == {
        "sms_code": "[Filtered]",
        "case": {"rep_mobile": "[Filtered]", "n": 3},
    }
    assert event["breadcrumbs"]["values"][0]["data"] == {"status_code": 500}
