"""The mailbox's benchmark (`make bench`, after bench/contracts.py; never part of the test
suite).

In a dedicated PostgreSQL database (`portail_bench_mail`), seeds 5,000 running contracts
at « Demo Domiciliation Paris » (bench/contracts.py's bulk seeding) and 100,000 mail items
in bulk (20 a contract, a quarter of them in the four queues), then serves the pages with
gunicorn and measures, as bench/run.py does (server time from the Server-Timing header,
each request followed by one of the floor, the base layout of a logged-in user): a
company's « Mon courrier », the provider's « Courrier » and each queue (target 100 ms),
and the entry of 200 items in one POST (target 1 s). Writes bench/results/mail.md.
Environment: BENCH_REPEAT (requests per page, 30), BENCH_MAIL_DATABASE_URL (use this
database as it is), BENCH_KEEP_DATABASE=1.
"""

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import contracts, harness  # noqa: E402
from bench.sampling import Browser, Row, measure_floor_with, sample  # noqa: E402

CONTRACTS = 5_000
ITEMS = 100_000
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
PAGE_TARGET_MS = 100
ENTRY_TARGET_MS = 1000
DATABASE = "portail_bench_mail"
RESULTS = ROOT / "bench" / "results"
QUEUED = ["to_scan", "to_forward", "to_collect", "to_destroy"]


def seed_mail() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from domiciliation.models import Contract
    from mail.models import Mailbox, MailItem

    contracts.seed_contracts(CONTRACTS)
    running = list(Contract.objects.filter(status="running").order_by("pk"))
    if MailItem.objects.count() >= ITEMS:
        return
    today = timezone.localdate()
    per_contract = ITEMS // len(running) + 1
    with transaction.atomic():
        Mailbox.objects.bulk_create(
            [Mailbox(contract=contract) for contract in running], ignore_conflicts=True
        )
        rows, made = [], 0
        for contract in running:
            for n in range(per_contract):
                if made >= ITEMS:
                    break
                status = QUEUED[n % 4] if n % 4 == 0 or n < 4 else "held"
                rows.append(
                    MailItem(provider_id=contract.provider_id, contract=contract,
                             addressee=contract.company_name, kind="letter",
                             sender=f"Expéditeur {n}", received_on=today - timedelta(days=n),
                             status=status, read_at=None if n % 3 else timezone.now())
                )  # fmt: skip
                made += 1
            if len(rows) >= 10_000:
                MailItem.objects.bulk_create(rows)
                rows = []
        MailItem.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def entry_post(number: str) -> dict:
    from django.utils import timezone

    data = {
        "courrier-TOTAL_FORMS": "200",
        "courrier-INITIAL_FORMS": "0",
        "courrier-MIN_NUM_FORMS": "0",
        "courrier-MAX_NUM_FORMS": "200",
    }
    today = timezone.localdate().isoformat()
    for index in range(200):
        data |= {
            f"courrier-{index}-term": number,
            f"courrier-{index}-received_on": today,
            f"courrier-{index}-kind": "letter",
            f"courrier-{index}-sender": f"Bench {index}",
        }
    return data


def measure(base_url: str, company: str, number: str) -> list[Row]:
    from accounts.demo import DEMO_PASSWORD

    provider = Browser(base_url).login("agent@demo.example", DEMO_PASSWORD)
    client = Browser(base_url).login(company, DEMO_PASSWORD)
    measure_floor_with(lambda: provider.get("/bench/plancher/"))
    rows = [
        Row(section="Courrier", label="« Mon courrier » (20 items)", path="/courrier/",
            target_ms=PAGE_TARGET_MS),
        Row(section="Courrier", label="« Courrier » (counts, latest items)",
            path="/domiciliataire/courrier/", target_ms=PAGE_TARGET_MS),
        *(Row(section="Courrier", label=f"queue « {slug} »",
              path=f"/domiciliataire/courrier/file/{slug}/", target_ms=PAGE_TARGET_MS)
          for slug in ("a-numeriser", "a-reexpedier", "retraits-prevus", "a-detruire")),
        Row(section="Courrier", label="entry table, 200 rows",
            path="/domiciliataire/courrier/saisie/?lignes=200"),
    ]  # fmt: skip
    for row in rows:
        browser = client if row.path == "/courrier/" else provider
        sample(row, lambda b=browser, p=row.path: b.get(p), runs=REPEAT)
    post = Row(section="Courrier", label="entry of 200 items in one POST", method="POST",
               path="/domiciliataire/courrier/saisie/", target_ms=ENTRY_TARGET_MS)  # fmt: skip
    data = entry_post(number)

    def entry():
        token = harness.csrf_token(provider.page(post.path))
        return provider.post(post.path, {**data, "csrfmiddlewaretoken": token})

    sample(post, entry, runs=max(5, REPEAT // 6), expect=(302,))
    return [*rows, post]


def report(context: dict, rows: list[Row]) -> str:
    lines = [
        "# Benchmark of the mailbox",
        "",
        f"Run of {context['date']} on {context['machine']}: PostgreSQL (`{DATABASE}`), "
        f"{CONTRACTS:,} contracts at one domiciliataire, {ITEMS:,} mail items; gunicorn with "
        "`bench.settings`; server time from the Server-Timing header; « × floor » is each "
        "page's median over the floor's (the base layout of a logged-in user) requested "
        "right after each of its requests.",
        "",
        "| page | median (ms) | p95 (ms) | × floor | queries | target | verdict |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        ratio = f"{row.median / row.floor_median:.1f}" if row.floor_median else ""
        target = f"< {row.target_ms:.0f} ms" if row.target_ms else ""
        verdict = ("met" if row.median < row.target_ms else "missed") if row.target_ms else ""
        lines.append(
            f"| {row.label} | {row.median:.1f} | {row.p95:.1f} | {ratio} | {row.queries} "
            f"| {target} | {verdict} |"
        )
    text = "\n".join(lines) + "\n"
    (RESULTS / "mail.md").write_text(text, encoding="utf-8")
    return text


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    context = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": harness.machine()}
    with (
        tempfile.TemporaryDirectory(prefix="portail-bench-mail-") as scratch,
        harness.dedicated_database(
            DATABASE,
            given_url=os.environ.get("BENCH_MAIL_DATABASE_URL", ""),
            keep=os.environ.get("BENCH_KEEP_DATABASE") == "1",
        ) as database_url,
    ):
        scratch = Path(scratch)
        port = harness.free_port()
        redis = harness.redis_server(port, log_dir=scratch)
        server = None
        try:
            broker = f"redis://{harness.LOOPBACK}:{port}/0"
            os.environ.update(contracts.environment(database_url, broker, scratch))
            import django

            django.setup()
            from django.db import connections

            from domiciliation.models import Contract

            started = time.monotonic()
            seed_mail()
            print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)
            contract = Contract.objects.filter(status="running").select_related("owner")
            contract = contract.order_by("pk").first()
            company, number = contract.owner.username, contract.number
            connections.close_all()
            web_port = harness.free_port()
            server = harness.gunicorn(web_port, env=dict(os.environ), log_dir=scratch)
            rows = measure(f"http://{harness.LOOPBACK}:{web_port}", company, number)
        except Exception:
            print(harness.log_tail(scratch, "gunicorn"), file=sys.stderr)
            raise
        finally:
            harness.stop(server)
            harness.stop(redis)
    print(report(context, rows))


if __name__ == "__main__":
    main()
