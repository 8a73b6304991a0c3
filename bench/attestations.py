"""`make bench`, the annual attestations (its own module and run, so that the page
benchmarks of bench/run.py stay independent of it).

A financeur with 2,000 bénéficiaires, each of whom received CESU last year (two
delivered orders of 2,000 lines), in a dedicated PostgreSQL database
(`portail_bench_attestations`), a throw-away Redis and a real Celery worker (2
processes, the machine's 2 cores), gunicorn in front:

- « Attestations annuelles » at 2,000 bénéficiaires, before and after the generation
  (median and 95th percentile of the server time from the Server-Timing header, SQL
  queries; target 100 ms);
- « Générer les attestations »: 2,000 PDFs rendered by the worker, then their ZIP: the
  total from the click to the ZIP, the worker time per PDF (the time its tasks took,
  from its log, divided by the number of PDFs) and the wall time per PDF;
- « Envoyer aux bénéficiaires »: 2,000 e-mails with their PDF queued in the outbox, then
  delivered by the worker.

Writes bench/results/attestations.md. Environment: BENCH_REPEAT (requests per page, 30),
BENCH_POSTGRES_URL (the local server's maintenance database).
"""

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
SIZE = 2000
LOGIN = "BENCHATT"
PAGE_TARGET_MS = 100
RESULTS = ROOT / "bench" / "results"
TASK_DONE = re.compile(
    r"Task cesu_orders\.tasks\.generate_attestations\[[^\]]+\] succeeded in ([\d.]+)s"
)


def seed(year: int) -> str:
    """Runs in this process: the demo data, then the financeur and last year's orders,
    written in bulk (data, not journeys). Returns the password of its manager."""
    import django

    django.setup()
    from decimal import Decimal

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import connections
    from django.utils import timezone

    from accounts.models import Membership, Organization, User
    from bench import seeding
    from cesu_orders.models import (
        Beneficiary,
        DeliveryAddress,
        Funder,
        Order,
        OrderLine,
        TermsOfSale,
        UsageCategory,
    )
    from cesu_orders.services.beneficiaries import beneficiary_sort_name

    seeding.prepare_database()
    organization = Organization.objects.create(name="Bench attestations", kind="financeur")
    Funder.objects.create(
        organization=organization,
        client_reference=LOGIN,
        legal_name="Bench Attestations SAS",
        siret="73282932000074",
        billing_address="1 rue du Test",
        billing_postcode="75001",
        billing_city="Paris",
    )
    email = f"{LOGIN.lower()}@bench.example"
    user = User.objects.create(
        username=LOGIN, email=email, password=make_password(seeding.PASSWORD)
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    Membership.objects.create(user=user, organization=organization, role="primary")
    DeliveryAddress.objects.create(
        organization=organization, label="Siège", recipient="RH", address="1 rue du Test",
        postcode="75001", city="Paris",
    )  # fmt: skip
    category = UsageCategory.objects.first()
    beneficiaries = Beneficiary.objects.bulk_create(
        Beneficiary(
            organization=organization,
            civility="mme",
            last_name=f"Nom{index:05d}",
            first_name="Camille",
            sort_name=beneficiary_sort_name(last_name=f"Nom{index:05d}", first_name="Camille"),
            email=f"b{index}@bench.example",
            address="2 rue du Test",
            postcode="75002",
            city="Paris",
            usual_usage_category=category,
            usual_face_value=Decimal("15.00"),
            usual_employer_share=Decimal("50.00"),
            usual_vouchers_per_booklet=10,
        )
        for index in range(SIZE)
    )
    delivered = [timezone.datetime(year, 3, 9).date(), timezone.datetime(year, 9, 14).date()]
    orders = Order.objects.bulk_create(
        Order(
            organization=organization,
            number=f"BATT-{index:06d}",
            status="delivered",
            created_by=user,
            client_reference=LOGIN,
            vintage_year=year,
            vintage_valid_until=timezone.datetime(year + 1, 1, 31).date(),
            delivery_date=day,
            planned_delivery_date=day,
            terms=TermsOfSale.objects.first(),
            terms_accepted_at=timezone.now(),
            face_total=Decimal("300000.00"),
            employer_share_total=Decimal("150000.00"),
            employee_share_total=Decimal("150000.00"),
            order_fee=Decimal("4.90"),
            booklet_fee=Decimal("900.00"),
            electronic_credit_fee=Decimal("0"),
            transport_fee=Decimal("8.50"),
            fees_excl_vat=Decimal("913.40"),
            vat_rate=Decimal("20"),
            vat=Decimal("182.68"),
            total_to_pay=Decimal("301096.08"),
        )
        for index, day in enumerate(delivered)
    )
    OrderLine.objects.bulk_create(
        (
            OrderLine(
                order=order,
                position=position,
                beneficiary=beneficiary,
                beneficiary_name=str(beneficiary),
                usage_category=category,
                usage_category_label=category.label,
                voucher_format="paper",
                booklets=1,
                vouchers_per_booklet=10,
                vouchers=10,
                face_value=Decimal("15.00"),
                employer_share_percent=Decimal("50.00"),
                face_total=Decimal("150.00"),
                employer_share=Decimal("75.00"),
                employee_share=Decimal("75.00"),
            )
            for order in orders
            for position, beneficiary in enumerate(beneficiaries)
        ),
        batch_size=1000,
    )
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have, on tables in use
    connections.close_all()
    return seeding.PASSWORD


class Browser:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path: str, **headers) -> requests.Response:
        return self.session.get(self.base_url + path, allow_redirects=False, timeout=120,
                                headers=headers)  # fmt: skip

    def post(self, path: str, data: dict) -> requests.Response:
        return self.session.post(self.base_url + path, data=data, allow_redirects=False,
                                 timeout=120)  # fmt: skip

    def login(self, password: str) -> "Browser":
        page = self.get("/compte/connexion/").text
        data = harness.login_form(page, username=LOGIN, password=password)
        if self.post("/compte/connexion/", data).status_code != 302:
            raise RuntimeError("Login refused.")
        return self


def measure(browser: Browser, path: str) -> dict:
    """Median and 95th percentile of the server time over REPEAT requests (2 warm-up)."""
    samples = []
    for index in range(REPEAT + 2):
        response = browser.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        if index >= 2:
            samples.append(harness.server_timing(response))
    times = sorted(app for app, _, _ in samples)
    result = {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "queries": samples[-1][2],
        "bytes": len(response.content),
    }
    print(f"  {path}: median {result['median']:.1f} ms, {result['queries']} queries", flush=True)
    return result


def _post_button(browser: Browser, page_path: str, action: str, year: int) -> None:
    page = browser.get(page_path).text
    data = {"csrfmiddlewaretoken": harness.csrf_token(page), "annee": str(year)}
    response = browser.post(action, data)
    if response.status_code != 302:
        raise RuntimeError(f"POST {action}: {response.status_code}")


def _wait_for_job(kind: str, *, timeout: float) -> dict:
    from cesu_orders.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.filter(kind=kind).order_by("-pk").first()
        if job is not None and job.finished_at is not None:
            if job.error:
                raise RuntimeError(f"The job failed: {job.error}")
            return {"job": job, "seconds": (job.finished_at - job.created_at).total_seconds()}
        time.sleep(1)
    raise RuntimeError(f"The {kind} job was not done after {timeout:.0f} s.")


def _wait_for_deliveries(count: int, *, timeout: float) -> float:
    from notifications.models import Notification

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        sent = Notification.objects.filter(event="cesu_attestation", status="sent").count()
        if sent >= count:
            return time.monotonic() - started
        time.sleep(1)
    raise RuntimeError("The attestation e-mails were not all delivered.")


def write_report(results: dict, context: dict) -> str:
    page_rows = [
        ("« Attestations annuelles », 2,000 bénéficiaires, before the generation",
         results["page_before"]),
        ("« Attestations annuelles », 2,000 bénéficiaires, generated and sent",
         results["page_after"]),
    ]  # fmt: skip
    generation = results["generation"]
    lines = [
        "# Benchmark: annual attestations",
        "",
        f"{context['date']} · {context['machine']}. PostgreSQL (a dedicated database), "
        "Redis, gunicorn with 2 sync workers, a Celery worker with 2 processes, all on "
        "this machine; PDFs written to a local private storage.",
        "",
        "| page | median | p95 | queries | size | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, row in page_rows:
        verdict = "met" if row["median"] <= PAGE_TARGET_MS else "missed"
        lines.append(
            f"| {label} | {row['median']:.1f} ms | {row['p95']:.1f} ms | {row['queries']} | "
            f"{row['bytes'] / 1024:.0f} KB | {PAGE_TARGET_MS} ms: {verdict} |"
        )
    lines += [
        "",
        "| « Générer les attestations », 2,000 PDFs | |",
        "| --- | ---: |",
        f"| from the click to the ZIP (the job's start to its end) | {generation['total']:.0f} s |",
        f"| of which the ZIP of 2,000 PDFs | {generation['zip']:.1f} s |",
        f"| worker time per PDF (its tasks' time / 2,000) | "
        f"{generation['per_pdf_worker']:.0f} ms |",
        f"| wall time per PDF (2 worker processes) | {generation['per_pdf_wall']:.0f} ms |",
        f"| parts (tasks of {generation['batch']} PDFs) | {generation['parts']} |",
        f"| ZIP size | {generation['zip_mb']:.1f} MB |",
        "",
        "| « Envoyer aux bénéficiaires », 2,000 e-mails with their PDF | |",
        "| --- | ---: |",
        f"| queued in the outbox (the job) | {results['sending']:.1f} s |",
        "| last one delivered by the worker after the job ended (locmem back end; it "
        f"delivers while the job queues) | {results['delivery']:.0f} s |",
        "",
        "The PDFs are rendered by WeasyPrint, one per bénéficiaire, in tasks of "
        f"{generation['batch']} that the worker's processes take at the same time; more "
        "workers (or processes) divide the wall time, the worker time per PDF stays.",
    ]
    report = "\n".join(lines) + "\n"
    (RESULTS / "attestations.md").write_text(report)
    return report


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    context = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": harness.machine()}
    year = int(time.strftime("%Y")) - 1
    processes = {}
    with (
        tempfile.TemporaryDirectory(prefix="portail-bench-attestations-") as scratch,
        harness.dedicated_database("portail_bench_attestations") as database_url,
    ):
        scratch = Path(scratch)
        redis_port, web_port = harness.free_port(), harness.free_port()
        env = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": database_url,
                "DATABASE_CONN_MAX_AGE": "60",
                "REDIS_URL": f"redis://{harness.LOOPBACK}:{redis_port}/0",
                "DJANGO_DEBUG": "false",
                "DJANGO_ALLOWED_HOSTS": harness.LOOPBACK,
                "DJANGO_LOG_LEVEL": "WARNING",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "SMS_BACKEND": "locmem",
                "DJANGO_MEDIA_ROOT": str(scratch / "media"),
                "DJANGO_PRIVATE_MEDIA_ROOT": str(scratch / "private-media"),
            }
        )
        try:
            processes["redis"] = harness.redis_server(redis_port, log_dir=scratch)
            os.environ.pop("CELERY_BROKER_URL", None)
            os.environ.update(env)
            started = time.monotonic()
            password = seed(year)
            print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)
            processes["worker"] = harness.start(
                "celery",
                [harness.BIN / "celery", "-A", "config", "worker", "--loglevel=INFO",
                 "--concurrency=2", "-n", f"bench-attestations-{os.getpid()}@%h",
                 "--without-gossip", "--without-mingle"],
                env=env,
                log_dir=scratch,
            )  # fmt: skip
            processes["gunicorn"] = harness.gunicorn(web_port, env=env, log_dir=scratch)
            browser = Browser(f"http://{harness.LOOPBACK}:{web_port}").login(password)
            page = f"/cesu/attestations/?annee={year}"
            results = {"page_before": measure(browser, page)}

            _post_button(browser, page, "/cesu/attestations/generer/", year)
            done = _wait_for_job("attestations", timeout=3600)
            job = done["job"]
            from cesu_orders.models import Attestation
            from cesu_orders.services.attestations import BATCH

            last_pdf = Attestation.objects.filter(job=job).latest("created_at").created_at
            task_seconds = sum(
                float(seconds)
                for seconds in TASK_DONE.findall((scratch / "celery.log").read_text())
            )
            results["generation"] = {
                "total": done["seconds"],
                "zip": (job.finished_at - last_pdf).total_seconds(),
                "per_pdf_worker": task_seconds / SIZE * 1000,
                "per_pdf_wall": (last_pdf - job.created_at).total_seconds() / SIZE * 1000,
                "parts": job.parts,
                "batch": BATCH,
                "zip_mb": job.file.size / 1024 / 1024,
            }
            print(f"  generation: {done['seconds']:.0f} s", flush=True)

            _post_button(browser, page, "/cesu/attestations/envoyer/", year)
            results["sending"] = _wait_for_job("attestations_sending", timeout=600)["seconds"]
            results["delivery"] = _wait_for_deliveries(SIZE, timeout=1800)
            results["page_after"] = measure(browser, page)
            from django.db import connections

            connections.close_all()
        except Exception:
            for name in ("gunicorn", "celery", "redis"):
                print(f"--- {name} ---\n{harness.log_tail(scratch, name)}", file=sys.stderr)
            raise
        finally:
            for name in ("gunicorn", "worker", "redis"):
                harness.stop(processes.get(name))
    print(write_report(results, context))


if __name__ == "__main__":
    main()
