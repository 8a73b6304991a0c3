"""Error reports to Sentry, when SENTRY_DSN is set (off by default), without the personal
data the portal holds: no request bodies (proofs, passwords, SMS codes, the order table),
no cookies, no local variables of the failing frames, no IP address or user identity;
what is left (headers, query strings, extra data, breadcrumbs, messages) goes through
`scrub_event`, which filters sensitive names and blanks one-time codes, phone numbers
and e-mail addresses."""

import re
from urllib.parse import parse_qsl, urlencode

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import ignore_logger
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

FILTERED = "[Filtered]"
# A name that says its value is a secret or personal: matched anywhere in the name.
SENSITIVE_NAME = re.compile(
    r"pass|secret|token|key|code|otp|sms|cookie|session|csrf|auth|iban|phone|mobile|mail|"
    r"birth|signature|file|content|body",
    re.IGNORECASE,
)
# Names that match the pattern above but say nothing personal.
HARMLESS_NAMES = {"status_code", "content-type", "content-length", "http.status_code"}
# In any text: one-time codes (SMS signature codes: six digits on their own), phone
# numbers and e-mail addresses.
REDACTIONS = [
    (re.compile(r"(?<![\d.,])\d{6}(?![\d.,])"), "[code]"),
    (re.compile(r"(?:\+|\b00)\d[\d .]{7,17}\d|\b0[1-9](?:[ .]?\d{2}){4}\b"), "[téléphone]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
]
# Lines of the request log (IP address, user agent) are context, not breadcrumbs.
QUIET_LOGGERS = ("django_structlog.middlewares.request", "django_structlog.celery.receivers")


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float = 0.0) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        event_scrubber=EventScrubber(
            denylist=[*DEFAULT_DENYLIST, "code", "otp", "phone", "email", "iban"],
            recursive=True,
            pii_denylist=DEFAULT_PII_DENYLIST,
        ),
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=traces_sample_rate,
    )
    for name in QUIET_LOGGERS:
        ignore_logger(name)


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """The event without request bodies, cookies, sensitive headers and parameters, and
    with one-time codes, phone numbers and e-mail addresses blanked in every message."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        request["headers"] = _scrub_mapping(request.get("headers"))
        request["query_string"] = _scrub_query(request.get("query_string"))
        request["url"] = _redact(request.get("url"))
    event.pop("user", None)
    event["extra"] = _scrub_mapping(event.get("extra"))
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = _redact(exception.get("value"))
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry["message"] = _redact(logentry.get("message"))
        logentry["formatted"] = _redact(logentry.get("formatted"))
        logentry["params"] = [_redact(param) for param in logentry.get("params") or []]
    event["message"] = _redact(event.get("message"))
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        scrub_breadcrumb(crumb)
    return {key: value for key, value in event.items() if value is not None}


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    crumb["message"] = _redact(crumb.get("message"))
    crumb["data"] = _scrub_mapping(crumb.get("data"))
    return crumb


def _scrub_mapping(mapping):
    if not isinstance(mapping, dict):
        return mapping
    return {
        key: FILTERED if _is_sensitive(str(key)) else _scrub_value(value)
        for key, value in mapping.items()
    }


def _is_sensitive(name: str) -> bool:
    return name.lower() not in HARMLESS_NAMES and bool(SENSITIVE_NAME.search(name))


def _scrub_value(value):
    if isinstance(value, dict):
        return _scrub_mapping(value)
    if isinstance(value, list | tuple):
        return [_scrub_value(item) for item in value]
    return _redact(value)


def _scrub_query(query):
    if not isinstance(query, str) or not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(name, FILTERED if _is_sensitive(name) else _redact(v)) for name, v in pairs])


def _redact(value):
    if isinstance(value, str):
        for pattern, replacement in REDACTIONS:
            value = pattern.sub(replacement, value)
    return value
