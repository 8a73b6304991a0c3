"""The running contracts' benchmark (`make bench`, after bench/run.py; never part of the
test suite).

In a dedicated PostgreSQL database (`portail_bench_contracts`, not bench/run.py's), seeds
10,000 contracts at « Demo Domiciliation Paris » in bulk (5 % ended, 5 % suspended, 5 % in
notice, the rest running; each with its first invoice), all due for their next period on
the same day. Then:

- the billing job (`billing_run`) bills them, BATCH_SIZE contracts per transaction, with
  its tasks queued on a throwaway Redis (the PDFs and e-mails are the workers' job, not
  the run's): its duration, the invoices issued and the SQL queries of each batch; run a
  second time, it issues nothing;
- gunicorn serves the domiciliataire's pages (« Contrats » and its filters, the unpaid
  invoices, a contract's page), measured as bench/run.py measures pages: the server time
  and the queries from the Server-Timing header of bench.middleware.

Writes bench/results/contracts.md. Environment: BENCH_REPEAT (requests per page, 30),
BENCH_CONTRACTS_DATABASE_URL (use this database as it is), BENCH_KEEP_DATABASE=1,
BENCH_POSTGRES_URL (the local server's maintenance database).
"""

import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

CONTRACTS = 10_000
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
BILLING_TARGET_S = 60
PAGE_TARGET_MS = 100
DATABASE = "portail_bench_contracts"
RESULTS = ROOT / "bench" / "results"
DUE = date(2027, 3, 1)  # the day every contract's next period starts
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def environment(database_url: str, broker_url: str, scratch: Path) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": harness.LOOPBACK,
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SMS_BACKEND": "locmem",
        "DEMO_DATA_ALLOWED": "true",
        "DJANGO_MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(scratch / "private-media"),
    }


# Seeding, in bulk (data, not journeys: 10,000 signatures through the services would take
# an hour)


def seed_contracts(count: int = CONTRACTS) -> None:
    from django.db import transaction
    from sequences import get_next_values

    from bench import seeding
    from directory.models import Provider
    from domiciliation.models import Case, ClientFile, Contract, Invoice
    from domiciliation.periods import add_months, first_term_end

    seeding.prepare_database()
    provider = Provider.objects.get(slug="demo-domiciliation-paris")
    if Contract.objects.filter(provider=provider).count() >= count:
        return
    owners = _owners(count)
    starts_on = add_months(DUE, -1)
    with transaction.atomic():
        files = ClientFile.objects.bulk_create(
            ClientFile(owner=owner, company_name=f"Bench Entreprise {i:05d}", completed_step=6,
                       legal_form="sas")
            for i, owner in enumerate(owners)
        )  # fmt: skip
        cases = Case.objects.bulk_create(
            Case(client_file=client_file, provider=provider, centre=provider.centres.first(),
                 status="signed", monthly_price=Decimal("25.00") + i % 20, billing_months=1,
                 duration_months=3, company_name=client_file.company_name,
                 contract_starts_on=starts_on)
            for i, client_file in enumerate(files)
        )  # fmt: skip
        numbers = get_next_values(count, f"domiciliation-contract-{provider.pk}")
        contracts = Contract.objects.bulk_create(
            Contract(case=case, provider=provider, owner_id=case.client_file.owner_id,
                     number=f"C-{number:05d}", status=_status(i),
                     company_name=case.company_name, siren="" if i % 3 else "552100554",
                     starts_on=starts_on, billing_months=1, initial_months=3,
                     monthly_price=case.monthly_price, next_period=1, next_billing_on=DUE,
                     term_ends_on=first_term_end(starts_on, 3, starts_on),
                     ends_on=DUE + timedelta(days=60) if _status(i) == "notice" else None)
            for i, (case, number) in enumerate(zip(cases, numbers, strict=True))
        )  # fmt: skip
        year = starts_on.year
        invoice_numbers = get_next_values(count, f"domiciliation-invoice-{provider.pk}-{year}")
        Invoice.objects.bulk_create(
            Invoice(provider=provider, case=contract.case, contract=contract, kind="first",
                    status="paid", number=f"F{year}-{number:05d}", issue_date=starts_on,
                    due_date=starts_on, period_index=0, period_start=starts_on,
                    period_end=DUE - timedelta(days=1), monthly_excl_tax=contract.monthly_price,
                    rent_excl_tax=contract.monthly_price, setup_fee_excl_tax=0,
                    amount_excl_tax=contract.monthly_price,
                    vat_amount=contract.monthly_price / 5,
                    amount_incl_tax=contract.monthly_price * Decimal("1.2"))
            for contract, number in zip(contracts, invoice_numbers, strict=True)
        )  # fmt: skip
    # Fresh statistics, as autovacuum keeps them in production after such a load.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _status(index: int) -> str:
    return {0: "ended", 1: "suspended", 2: "notice"}.get(index % 20, "running")


def _owners(count: int) -> list:
    from accounts.models import User
    from bench import seeding

    password = seeding._password_hash()
    return User.objects.bulk_create(
        User(username=f"bench-contrat-{i:05d}@bench.example", email=f"c{i}@bench.example",
             password=password)
        for i in range(count)
    )  # fmt: skip


# The billing job


def measure_billing() -> dict:
    """Runs billing_run on DUE twice; counts each batch's queries through the one
    function every batch goes through."""
    from django.db import connection

    from bench.middleware import QueryCounter
    from domiciliation.services import billing

    batches: list[int] = []
    original = billing.billing_batch

    def counted(contract_ids, *, today):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            issued = original(contract_ids, today=today)
        batches.append(counter.count)
        return issued

    billing.billing_batch = counted
    try:
        started = time.monotonic()
        issued = billing.billing_run(today=DUE)
        first = time.monotonic() - started
        first_batches = list(batches)
        batches.clear()
        started = time.monotonic()
        again = billing.billing_run(today=DUE)
        second = time.monotonic() - started
    finally:
        billing.billing_batch = original
    return {
        "issued": issued,
        "seconds": first,
        "batches": first_batches,
        "again": again,
        "again_seconds": second,
        "batch_size": billing.BATCH_SIZE,
    }


# The pages


def sample(session: requests.Session, base_url: str, path: str) -> dict:
    for _ in range(2):
        session.get(base_url + path, timeout=120)
    samples = []
    for _ in range(REPEAT):
        response = session.get(base_url + path, allow_redirects=False, timeout=120)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        samples.append(harness.server_timing(response))
    ordered = sorted(app for app, _, _ in samples)
    row = {
        "path": path,
        "median": statistics.median(ordered),
        "p95": ordered[max(0, -(-len(ordered) * 95 // 100) - 1)],
        "sql": statistics.median(s for _, s, _ in samples),
        "queries": Counter(n for _, _, n in samples).most_common(1)[0][0],
        "bytes": len(response.content),
    }
    print(f"  {path}: median {row['median']:.1f} ms, {row['queries']} queries", flush=True)
    return row


def measure_pages(base_url: str, contract_id: str) -> list[tuple[str, dict, bool]]:
    from accounts.demo import DEMO_PASSWORD

    session = requests.Session()
    page = session.get(base_url + "/compte/connexion/", timeout=60).text
    data = harness.login_form(page, username="domiciliataire@demo.example",
                              password=DEMO_PASSWORD)  # fmt: skip
    if session.post(base_url + "/compte/connexion/", data=data, allow_redirects=False,
                    timeout=60).status_code != 302:  # fmt: skip
        raise RuntimeError("Login refused.")
    pages = [
        ("« Contrats », 10,000 contracts, with the revenue chart", "/domiciliataire/contrats/",
         True),
        ("« Contrats », running only", "/domiciliataire/contrats/?statut=running", False),
        ("« Contrats », page 100", "/domiciliataire/contrats/?page=100", False),
        ("« Contrats », search by number", "/domiciliataire/contrats/?q=C-04242", False),
        ("« Contrats », with an invoice to pay", "/domiciliataire/contrats/?impayes=on", False),
        ("unpaid invoices", "/domiciliataire/contrats/impayes/", False),
        ("« À signaler au greffe »", "/domiciliataire/contrats/greffe/", False),
        ("a contract's page", f"/domiciliataire/contrats/{contract_id}/", False),
    ]  # fmt: skip
    return [(label, sample(session, base_url, path), targeted) for label, path, targeted in pages]


# The report


def report(context: dict, billing: dict, pages: list) -> str:
    batches = billing["batches"]
    usual = Counter(batches).most_common(1)[0][0] if batches else 0
    # One more UPDATE per distinct next billing date in a batch: a contract several periods
    # late (the demo's own, billed since December) moves to another date than the others.
    constant = all(queries <= usual + 1 for queries in batches)
    listing = pages[0][1]
    lines = [
        "# Benchmark of the running contracts",
        "",
        f"Run of {context['date']} on {context['machine']}: PostgreSQL (dedicated database "
        f"`{DATABASE}`), {CONTRACTS:,} contracts at one domiciliataire (95 % to bill: running, "
        "suspended or in notice; 5 % ended), each due on the same day. Celery tasks queued on a "
        "throwaway Redis and not run (rendering the PDFs and sending the e-mails is the "
        "workers' work). Pages: gunicorn with 2 sync workers, `bench.settings`, "
        f"{REPEAT} requests per page after 2 warm-up ones, server time from the Server-Timing "
        "header (bench.middleware).",
        "",
        "## Targets",
        "",
        f"- Billing {CONTRACTS:,} contracts under {BILLING_TARGET_S} s: "
        f"**{'met' if billing['seconds'] < BILLING_TARGET_S else 'missed'}** "
        f"({billing['seconds']:.1f} s for {billing['issued']:,} invoices).",
        f"- A constant number of queries per batch of {billing['batch_size']} contracts: "
        f"**{'met' if constant else 'missed'}** ({_batches(batches)}). The number does not "
        "follow the batch's size: 1 to lock and read the contracts, 1 per domiciliataire and "
        "year for the invoice numbers, 1 to insert the invoices, 1 UPDATE per distinct next "
        "billing date (contracts due on one day mostly move to one date), 1 to insert the "
        "timeline lines, 1 to read the saved payment methods; a batch holding a contract "
        "several periods late runs one more UPDATE.",
        f"- Run again, it issues nothing: **{'met' if billing['again'] == 0 else 'missed'}** "
        f"({billing['again']} invoices, {billing['again_seconds']:.2f} s).",
        f"- The provider's contract list at {CONTRACTS:,} contracts under {PAGE_TARGET_MS} ms: "
        f"**{'met' if listing['median'] < PAGE_TARGET_MS else 'missed'}** "
        f"(median {listing['median']:.1f} ms, p95 {listing['p95']:.1f} ms, "
        f"{listing['queries']} queries).",
        "",
        "## Pages",
        "",
        "| page | path | median (ms) | p95 (ms) | SQL (ms) | queries | size (bytes) | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, row, targeted in pages:
        target = ""
        if targeted:
            verdict = "met" if row["median"] < PAGE_TARGET_MS else "missed"
            target = f"< {PAGE_TARGET_MS} ms: {verdict}"
        shown = UUID.sub("<id>", row["path"])
        lines.append(
            f"| {label} | `{shown}` | {row['median']:.1f} | {row['p95']:.1f} | {row['sql']:.1f} "
            f"| {row['queries']} | {row['bytes']:,} | {target} |"
        )
    text = "\n".join(lines) + "\n"
    (RESULTS / "contracts.md").write_text(text, encoding="utf-8")
    return text


def _batches(batches: list[int]) -> str:
    counts = Counter(batches)
    shown = ", ".join(f"{queries} queries × {n}" for queries, n in sorted(counts.items()))
    return f"{len(batches)} batches: {shown}"


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    context = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": harness.machine()}
    with (
        tempfile.TemporaryDirectory(prefix="portail-bench-contracts-") as scratch,
        harness.dedicated_database(
            DATABASE,
            given_url=os.environ.get("BENCH_CONTRACTS_DATABASE_URL", ""),
            keep=os.environ.get("BENCH_KEEP_DATABASE") == "1",
        ) as database_url,
    ):
        scratch = Path(scratch)
        port = harness.free_port()
        redis = harness.redis_server(port, log_dir=scratch)
        server = None
        try:
            broker = f"redis://{harness.LOOPBACK}:{port}/0"
            os.environ.update(environment(database_url, broker, scratch))
            import django

            django.setup()
            from django.db import connections

            from domiciliation.models import Contract

            started = time.monotonic()
            seed_contracts()
            print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)
            billing = measure_billing()
            print(f"Billed {billing['issued']} invoices in {billing['seconds']:.1f} s.", flush=True)
            with connections["default"].cursor() as cursor:
                cursor.execute("ANALYZE")  # the invoices just issued
            contract_id = str(
                Contract.objects.filter(status="running")
                .order_by("pk")
                .values_list("public_id", flat=True)[0]
            )
            connections.close_all()
            web_port = harness.free_port()
            server = harness.gunicorn(web_port, env=dict(os.environ), log_dir=scratch)
            pages = measure_pages(f"http://{harness.LOOPBACK}:{web_port}", contract_id)
        except Exception:
            print(harness.log_tail(scratch, "gunicorn"), file=sys.stderr)
            raise
        finally:
            harness.stop(server)
            harness.stop(redis)
    print(report(context, billing, pages))


if __name__ == "__main__":
    main()
