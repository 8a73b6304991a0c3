"""A local HTTP stand-in of the parts of Stripe's API the portal calls (no network, no
mock of our code): Checkout Sessions (payment and setup), customers, SetupIntents,
off-session PaymentIntents (succeeded, processing like a SEPA debit, or declined), and
refunds. Like Stripe, it answers a request sent again with the same Idempotency-Key
with the first answer, without doing it twice. Also builds signed webhook requests."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import stripe
from django.urls import reverse

WEBHOOK_SECRET = "whsec_test_secret"


class FakeStripe(BaseHTTPRequestHandler):
    requests: list = []
    answers_by_key: dict = {}
    # What the next off-session charge does: "succeeded", "processing" or "declined".
    intent_outcome = "succeeded"
    # The method a completed setup saved.
    setup_method = {"id": "pm_card_1", "type": "card", "card": {"brand": "visa", "last4": "4242"}}
    charges = 0

    def _answer(self, status: int, answer: dict) -> None:
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        FakeStripe.requests.append(
            {"method": "GET", "path": path, "headers": dict(self.headers), "form": {}}
        )
        if path.startswith("/v1/setup_intents/"):
            return self._answer(
                200,
                {
                    "id": path.rsplit("/", 1)[1],
                    "object": "setup_intent",
                    "status": "succeeded",
                    "payment_method": {"object": "payment_method", **FakeStripe.setup_method},
                },
            )
        return self._answer(404, {"error": {"type": "invalid_request_error", "message": "?"}})

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        form = parse_qs(body)
        FakeStripe.requests.append(
            {"method": "POST", "path": self.path, "headers": dict(self.headers), "form": form}
        )
        key = self.headers.get("Idempotency-Key")
        if key and key in FakeStripe.answers_by_key:
            return self._answer(*FakeStripe.answers_by_key[key])
        status, answer = self._route(self.path, form)
        if key:
            FakeStripe.answers_by_key[key] = (status, answer)
        return self._answer(status, answer)

    def _route(self, path: str, form: dict) -> tuple[int, dict]:
        if path == "/v1/checkout/sessions" and form.get("mode") == ["setup"]:
            return 200, {
                "id": "cs_setup_1",
                "object": "checkout.session",
                "mode": "setup",
                "url": "https://checkout.stripe.test/c/setup/cs_setup_1",
            }
        if path == "/v1/checkout/sessions":
            return 200, {
                "id": "cs_test_123",
                "object": "checkout.session",
                "url": "https://checkout.stripe.test/c/pay/cs_test_123",
            }
        if path == "/v1/customers":
            return 200, {"id": "cus_test_1", "object": "customer"}
        if path == "/v1/payment_intents":
            FakeStripe.charges += 1
            intent = {
                "id": f"pi_off_{FakeStripe.charges}",
                "object": "payment_intent",
                "amount": int(form["amount"][0]),
                "currency": "eur",
            }
            if FakeStripe.intent_outcome == "declined":
                return 402, {
                    "error": {
                        "type": "card_error",
                        "code": "card_declined",
                        "decline_code": "insufficient_funds",
                        "message": "Your card has insufficient funds.",
                        "payment_intent": {**intent, "status": "requires_payment_method"},
                    }
                }
            return 200, {**intent, "status": FakeStripe.intent_outcome}
        return 200, {"id": f"re_test_{len(FakeStripe.requests)}", "object": "refund",
                     "status": "succeeded"}  # fmt: skip

    def log_message(self, *args):
        pass


def start(settings):
    """Starts the stand-in and points the settings at it; returns the server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeStripe.requests = []
    FakeStripe.answers_by_key = {}
    FakeStripe.intent_outcome = "succeeded"
    FakeStripe.setup_method = {
        "id": "pm_card_1",
        "type": "card",
        "card": {"brand": "visa", "last4": "4242"},
    }
    FakeStripe.charges = 0
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    return server


def post_webhook(client, payload: str, *, secret=WEBHOOK_SECRET, timestamp=None, header=None):
    """Posts `payload` to the webhook as Stripe would, signed with `secret` at
    `timestamp` (now by default), or with the given Stripe-Signature `header`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    header = header if header is not None else f"t={timestamp},v1={signature}"
    return client.post(
        reverse("domiciliation:stripe_webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


def event(kind: str, data: dict, *, event_id: str = "evt_1") -> str:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": data}})
