"""Load test (`make load`, never part of the test suite).

50 simulated users for 2 minutes (locust, headless, bench/locustfile.py), half of them
managers ordering CESU up to « Valider la commande », half domiciliataires instructing
cases, against the production shape of the portal on loopback: gunicorn with 2 sync
workers, PostgreSQL (a dedicated database, `portail_load`, created and dropped here),
Redis (a throw-away redis-server) and a real Celery worker that sends the e-mails by SMTP
to a sink run by this script (aiosmtpd).

Then it checks: no 5xx; every validated order stored exactly once, with its lines and
its invoice; every notification delivered exactly once (the sink received as many
e-mails as the outbox marks sent, to the same people with the same subjects). It writes
throughput and p95 per request type and the checks to bench/results/load.md, and exits
with 1 when a check fails.

Environment: LOAD_USERS (50), LOAD_SPAWN_RATE (10), LOAD_RUN_TIME (2m),
LOAD_MAX_REQUESTS (20000), LOAD_DATABASE_URL (use this database as it is),
LOAD_KEEP_DATABASE=1, BENCH_POSTGRES_URL (the local server's maintenance database).
"""

import email
import email.policy
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "50"))
SPAWN_RATE = os.environ.get("LOAD_SPAWN_RATE", "10")
RUN_TIME = os.environ.get("LOAD_RUN_TIME", "2m")
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "20000"))
# Users beyond the seeded accounts would share one, and then one cart: keep a margin.
ACCOUNTS_PER_KIND = USERS // 2 + 5
BENEFICIARIES = 20
CASES_PER_PROVIDER = 3
STOP_TIMEOUT = 30
RESULTS = ROOT / "bench" / "results"
STATUS = re.compile(r'" (\d{3}) ')


class Sink:
    """The SMTP server the worker sends to: keeps each message's recipients and subject."""

    def __init__(self):
        self.messages: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = " ".join(str(message["subject"]).split())
        with self.lock:
            self.messages += [(recipient, subject) for recipient in envelope.rcpt_tos]
        return "250 Message accepted for delivery"

    def start(self, port: int) -> None:
        self.controller = Controller(self, hostname=harness.LOOPBACK, port=port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


def seed() -> dict:
    """The demo data, then `ACCOUNTS_PER_KIND` financeurs with their manager and
    domiciliataires with their admin and cases, in this process (their e-mails go to
    Redis for the worker)."""
    import django

    django.setup()
    from bench import seeding

    started = time.monotonic()
    seeding.prepare_database()
    managers = [
        seeding.load_funder(i, beneficiaries=BENEFICIARIES) for i in range(ACCOUNTS_PER_KIND)
    ]
    providers = [
        seeding.load_provider(i, cases=CASES_PER_PROVIDER) for i in range(ACCOUNTS_PER_KIND)
    ]
    print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)
    return {"password": seeding.PASSWORD, "managers": managers, "providers": providers}


def outbox_counts() -> Counter:
    from django.db import connections

    from notifications.models import Notification

    counts = Counter(Notification.objects.values_list("status", flat=True))
    connections.close_all()
    return counts


def drain(sink: Sink, *, timeout: float) -> None:
    """Waits until the worker has taken every notification and the sink is quiet."""
    last = -1

    def drained() -> bool:
        nonlocal last
        counts = outbox_counts()
        quiet = sink.count() == last
        last = sink.count()
        return quiet and not counts["pending"] and not counts["sending"]

    harness.wait_until(drained, timeout=timeout, what="the outbox")


def server_env(database_url: str, redis_port: int, smtp_port: int, scratch: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": f"redis://{harness.LOOPBACK}:{redis_port}/0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": harness.LOOPBACK,
            "EMAIL_PORT": str(smtp_port),
            "SMS_BACKEND": "console",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": harness.LOOPBACK,
            # As behind the load balancer: each simulated user's own address is read
            # from X-Forwarded-For (allauth's rate limits count per address).
            "DJANGO_TRUSTED_PROXY_COUNT": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_MEDIA_ROOT": str(scratch / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(scratch / "private-media"),
        }
    )
    return env


def run_locust(base_url: str, accounts: dict, scratch: Path) -> tuple[dict, list[dict]]:
    """Runs the simulated users; returns locust's figures and the users' journal."""
    accounts_file = scratch / "accounts.json"
    accounts_file.write_text(json.dumps(accounts), encoding="utf-8")
    journal = scratch / "journal.jsonl"
    journal.touch()
    env = {
        **os.environ,
        "LOAD_ACCOUNTS": str(accounts_file),
        "LOAD_JOURNAL": str(journal),
        "LOAD_MAX_REQUESTS": str(MAX_REQUESTS),
        "LOAD_STATS": str(scratch / "stats.json"),
    }
    command = [
        harness.BIN / "locust", "-f", ROOT / "bench" / "locustfile.py", "--headless",
        "-u", USERS, "-r", SPAWN_RATE, "-t", RUN_TIME, "--stop-timeout", STOP_TIMEOUT,
        "--host", base_url, "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    print(f"locust: {USERS} users for {RUN_TIME} (at most {MAX_REQUESTS} requests)…", flush=True)
    process = harness.start("locust", command, env=env, log_dir=scratch)
    try:
        process.wait(timeout=15 * 60)
    finally:
        harness.stop(process)
    if not (scratch / "stats.json").exists():
        raise RuntimeError(
            f"locust ended without its figures:\n{harness.log_tail(scratch, 'locust')}"
        )
    stats = json.loads((scratch / "stats.json").read_text(encoding="utf-8"))
    return stats, [json.loads(line) for line in journal.read_text().splitlines()]


# The checks


def check_status(scratch: Path, stats: dict) -> tuple[bool, str]:
    statuses = Counter()
    for line in (scratch / "access.log").read_text(errors="replace").splitlines():
        match = STATUS.search(line)
        if match:
            statuses[match[1]] += 1
    errors = sum(count for status, count in statuses.items() if status.startswith("5"))
    shown = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
    failures = stats["total"]["failures"] + len(stats["exceptions"])
    return not errors, (
        f"No 5xx: {errors} server errors in {sum(statuses.values())} requests logged by "
        f"gunicorn ({shown}); locust counted {failures} unexpected answers"
        + (" (listed at the end)." if failures else ".")
    )


def check_orders(journal: list[dict], accounts: dict) -> tuple[bool, str]:
    """Every order a manager saw validated is stored once, with its lines and one invoice;
    no other order exists for these financeurs beyond validations whose answer was lost
    (stopped in flight)."""
    from django.db.models import Count, Sum

    from cesu_orders.models import Order

    attempts = {e["attempt"]: e for e in journal if e["kind"] == "validation"}
    validated = {e["attempt"]: e for e in journal if e["kind"] == "validated"}
    unanswered = Counter(e["user"] for a, e in attempts.items() if a not in validated)
    refused = sum(e["kind"] == "double_click_refused" for e in journal)
    orders = {
        str(order.public_id): order
        for order in Order.objects.filter(client_reference__in=accounts["managers"]).annotate(
            line_count=Count("lines", distinct=True),
            line_total=Sum("lines__face_total"),
            invoice_count=Count("invoices", distinct=True),
        )
    }
    problems = []
    for attempt, entry in validated.items():
        order = orders.pop(entry["order"], None)
        expected = attempts[attempt]["lines"]
        if order is None:
            problems.append(f"order {entry['order']} seen validated is not stored")
        elif order.line_count != expected or order.line_total != order.face_total:
            problems.append(f"order {order.number}: {order.line_count} lines, {expected} sent")
        elif order.invoice_count != 1:
            problems.append(f"order {order.number}: {order.invoice_count} invoices")
    extra = Counter(order.client_reference for order in orders.values())
    for user, count in extra.items():
        if count > unanswered[user]:
            problems.append(f"{user}: {count} orders nobody saw validated")
    lines = sum(attempts[a]["lines"] for a in validated)
    summary = (
        f"Every validated order stored exactly once with its lines: {len(validated)} orders "
        f"seen validated, {len(validated)} stored with their {lines} lines and one invoice "
        f"each; {refused} second clicks on « Valider la commande » placed nothing; "
        f"{sum(unanswered.values())} validations cut by the end of the run, "
        f"{sum(extra.values())} of them placed."
    )
    if problems:
        summary += " Problems: " + "; ".join(problems[:10])
    return not problems, summary


def check_notifications(sink: Sink, journal: list[dict], accounts: dict) -> tuple[bool, str]:
    """The sink holds exactly the e-mails the outbox marks sent; one « prise en charge »
    per order and one recap e-mail per proof review saved."""
    from cesu_orders.models import Order
    from notifications.models import Notification

    rows = Notification.objects.all()
    statuses = Counter(rows.values_list("status", flat=True))
    sent_emails = Counter(
        (recipient, " ".join(subject.split()))
        for recipient, subject in rows.filter(
            channel=Notification.Channel.EMAIL, status=Notification.Status.SENT
        ).values_list("recipient", "subject")
    )
    received = Counter(sink.messages)
    sms = rows.filter(channel=Notification.Channel.SMS, status=Notification.Status.SENT).count()
    orders = Order.objects.filter(client_reference__in=accounts["managers"]).count()
    taken = rows.filter(event="cesu_order_received", recipient__endswith="@charge.example").count()
    reviews = sum(e["kind"] == "reviewed" for e in journal)
    review_attempts = sum(e["kind"] == "review" for e in journal)
    recaps = rows.filter(
        event="domiciliation_proofs_reviewed", recipient__endswith="@charge.example"
    ).count()
    problems = []
    if received != sent_emails:
        problems.append(
            f"sent but not received: {sum((sent_emails - received).values())}, "
            f"received but not marked sent or twice: {sum((received - sent_emails).values())}"
        )
    if statuses["pending"] or statuses["sending"] or statuses["failed"]:
        problems.append(f"outbox not delivered: {dict(statuses)}")
    if taken != orders:
        problems.append(f"{taken} « prise en charge » e-mails for {orders} orders")
    if not reviews <= recaps <= review_attempts:
        problems.append(f"{recaps} review e-mails for {reviews} reviews saved")
    summary = (
        f"Every notification delivered exactly once: the sink received "
        f"{sum(received.values())} e-mails, the outbox marks {sum(sent_emails.values())} "
        f"e-mails sent (same recipients and subjects), {statuses['pending']} pending, "
        f"{statuses['failed']} failed; {sms} SMS sent to the console backend. Among them "
        f"{taken} « prise en charge » e-mails for {orders} orders and {recaps} proof "
        f"review e-mails for {reviews} « Mettre à jour » seen saved."
    )
    if problems:
        summary += " Problems: " + "; ".join(problems)
    return not problems, summary


def write_report(stats: dict, checks: list[tuple[bool, str]], context: dict) -> str:
    lines = [
        "# Load test",
        "",
        f"Run of {context['date']} on {context['machine']}: {USERS} simulated users "
        f"(locust, headless, {SPAWN_RATE} started per second, {RUN_TIME} or at most "
        f"{MAX_REQUESTS:,} requests, 1 to 3 s of thinking between tasks), half managers "
        "ordering CESU (order table, « Commander », recap, « Valider la commande », a second "
        "click on a quarter of them; cart saves, history), half domiciliataires instructing "
        "cases (S1 queue, case, « Justificatifs », « Mettre à jour »), each on its own "
        f"account: {ACCOUNTS_PER_KIND} financeurs of {BENEFICIARIES} bénéficiaires, "
        f"{ACCOUNTS_PER_KIND} domiciliataires of {CASES_PER_PROVIDER} cases, plus the demo "
        "data. Server: gunicorn with 2 sync workers on 127.0.0.1 (`config.settings.local`, "
        "`DJANGO_DEBUG=false`, `DATABASE_CONN_MAX_AGE=60`), PostgreSQL, Redis, one Celery "
        "worker (2 processes) sending e-mail by SMTP to an aiosmtpd sink, SMS to the "
        "console. Locust, the server, the worker and the databases share the machine.",
        "",
        "Each simulated user sends its own client address in `X-Forwarded-For` "
        "(`DJANGO_TRUSTED_PROXY_COUNT=1`, as behind the load balancer): allauth limits "
        "logins to 30 per minute per address, so from one address the 31st user would be "
        "refused with a 429.",
        "",
        "## Checks",
        "",
        *(f"- **{'passed' if ok else 'FAILED'}**: {text}" for ok, text in checks),
        "",
        "## Throughput and latency per request type",
        "",
        "Response times as locust saw them on loopback (queueing for the 2 workers "
        "included), in ms.",
        "",
        "| request | count | failures | req/s | median | p95 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in [*stats["entries"], {**stats["total"], "name": "**all**"}]:
        lines.append(
            f"| {row['name']} | {row['requests']} | {row['failures']} | {row['rps']:.1f} | "
            f"{row['median']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} | {row['max']:.0f} |"
        )
    if stats["errors"] or stats["exceptions"]:
        lines += ["", "## Failures seen by locust", "", "| request | error | count |",
                  "| --- | --- | ---: |"]  # fmt: skip
        lines += [f"| {e['name']} | {e['error']} | {e['occurrences']} |" for e in stats["errors"]]
        lines += [f"| (user code) | {e['error']} | {e['occurrences']} |"
                  for e in stats["exceptions"]]  # fmt: skip
    text = "\n".join(lines) + "\n"
    (RESULTS / "load.md").write_text(text, encoding="utf-8")
    return text


def main() -> int:
    RESULTS.mkdir(exist_ok=True)
    context = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": harness.machine(),
    }
    sink = Sink()
    processes: dict[str, subprocess.Popen] = {}
    with (
        tempfile.TemporaryDirectory(prefix="portail-load-") as scratch,
        harness.dedicated_database(
            "portail_load",
            given_url=os.environ.get("LOAD_DATABASE_URL", ""),
            keep=os.environ.get("LOAD_KEEP_DATABASE") == "1",
        ) as database_url,
    ):
        scratch = Path(scratch)
        redis_port, smtp_port, web_port = (harness.free_port() for _ in range(3))
        env = server_env(database_url, redis_port, smtp_port, scratch)
        try:
            processes["redis"] = harness.redis_server(redis_port, log_dir=scratch)
            sink.start(smtp_port)
            os.environ.pop("CELERY_BROKER_URL", None)
            os.environ.update(env)
            accounts = seed()
            processes["worker"] = harness.start(
                "celery",
                [harness.BIN / "celery", "-A", "config", "worker", "--loglevel=WARNING",
                 "--concurrency=2", "-n", f"load-{os.getpid()}@%h", "--without-gossip",
                 "--without-mingle"],
                env=env,
                log_dir=scratch,
            )  # fmt: skip
            drain(sink, timeout=180)  # The seeded e-mails: the worker is up and sending.
            print(f"Seed e-mails delivered: {sink.count()}.", flush=True)
            processes["gunicorn"] = harness.gunicorn(web_port, env=env, log_dir=scratch)
            stats, journal = run_locust(f"http://{harness.LOOPBACK}:{web_port}", accounts, scratch)
            drain(sink, timeout=300)
            checks = [
                check_status(scratch, stats),
                check_orders(journal, accounts),
                check_notifications(sink, journal, accounts),
            ]
            from django.db import connections

            connections.close_all()
            print(write_report(stats, checks, context))
        except Exception:
            for name in ("gunicorn", "celery", "locust", "redis"):
                print(f"--- {name} ---\n{harness.log_tail(scratch, name)}", file=sys.stderr)
            raise
        finally:
            for name in ("gunicorn", "worker", "redis"):
                harness.stop(processes.get(name))
            sink.stop()
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
