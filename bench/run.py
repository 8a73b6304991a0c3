"""Page benchmarks (`make bench`, never part of the test suite).

Seeds large tenants into a dedicated PostgreSQL database (bench/tenants.py: financeurs
of 200, 2,000, 5,000 and 10,000 bénéficiaires, empty ones for imports of 2,000 to
10,000 rows, 50,000 providers with 75,000 centres, 100,000 cases at one domiciliataire),
starts gunicorn on loopback with bench.settings, logs in over HTTP and measures every
key page (bench/scenarios.py) against its targets: absolute, relative to the floor (the
base layout of a logged-in user) and, for the big CESU pages, relative to the limit of
the same rows fetched raw and written by bare f-strings (bench/limits.py), all measured
in the same run.

Writes bench/results/latest.md and bench/results/latest.png (bench/report.py), with the
notes of bench/results/notes.md, and the raw figures to latest.json (`python
bench/report.py` writes the report again from them). Environment: BENCH_REPEAT (requests
per page, 50), BENCH_DATABASE_URL (use this database as it is instead of creating and dropping
`portail_bench`; it is seeded unless BENCH_SEEDED=1), BENCH_KEEP_DATABASE=1 (keep it),
BENCH_POSTGRES_URL (the local server's maintenance database).
"""

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness, report, scenarios  # noqa: E402
from bench.sampling import Browser, Row, measure_floor_with, sample  # noqa: E402

PROVIDERS, CENTRES, CASES = 50_000, 75_000, 100_000


def server_env(database_url: str, redis_url: str, scratch: Path) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": harness.LOOPBACK,
        "DJANGO_LOG_LEVEL": "WARNING",
        # Broker and cache, as in production (main() unsets CELERY_BROKER_URL).
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SMS_BACKEND": "locmem",
        "DJANGO_MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(scratch / "private-media"),
    }


def seed(*, seeded: bool) -> dict:
    """Runs in this process, on the bench database: returns what the pages need."""
    import django

    django.setup()
    from django.db import connections

    from bench import seeding, tenants
    from domiciliation.models import Case

    started = time.monotonic()
    if not seeded:
        seeding.prepare_database()
        for size in scenarios.SIZES:
            tenants.large_funder(size, 200 if size == scenarios.HISTORY_SIZE else 10)
        for size, runs in scenarios.IMPORT_RUNS.items():
            for run in range(runs):
                tenants.import_funder(f"{size}-{run}")
        for run in range(scenarios.PAYROLL_RUNS):
            tenants.payroll_funder(f"{scenarios.PAYROLL_SIZE}-{run}", scenarios.PAYROLL_SIZE)
        tenants.large_directory(PROVIDERS, CENTRES)
        tenants.large_case_load(CASES)
    case_id = str(Case.objects.get(client_file__company_name="Rousseau Conseil").public_id)
    connections["default"].cursor().execute(
        "VACUUM ANALYZE"
    )  # Fresh statistics and visibility map.
    connections.close_all()
    seconds = time.monotonic() - started
    print(f"Seeded in {seconds:.0f} s.", flush=True)
    files = {size: tenants.import_file(size) for size in scenarios.IMPORT_SIZES}
    payroll = tenants.payroll_file(scenarios.PAYROLL_SIZE)
    return {"password": seeding.PASSWORD, "case_id": case_id, "files": files,
            "payroll": payroll, "seconds": seconds}  # fmt: skip


def measure(base_url: str, fixture: dict, *, worker) -> list[Row]:
    """Every page; `worker()` is a context manager that runs a Celery worker, for the
    work done by tasks."""
    password = fixture["password"]
    floor_browser = Browser(base_url).login(f"BENCH{scenarios.HISTORY_SIZE}", password)
    floor = sample(
        Row(section="Floor", label="floor: base layout, logged in", path="/bench/plancher/"),
        lambda: floor_browser.get("/bench/plancher/"),
    )
    measure_floor_with(lambda: floor_browser.get("/bench/plancher/"))
    rows = [floor]
    rows += scenarios.public_rows(base_url)
    cesu, order_path = scenarios.cesu_rows(base_url, password)
    rows += cesu
    with worker():
        rows += scenarios.order_file_rows(floor_browser, order_path)
        rows += scenarios.import_rows(base_url, password, fixture["files"])
        rows += scenarios.payroll_rows(base_url, password, fixture["payroll"])
    rows += scenarios.directory_rows(base_url)
    rows += scenarios.case_rows(base_url, password, fixture["case_id"])
    return rows


def celery_worker(env: dict, redis_url: str, log_dir: Path):
    """A context manager: a Celery worker, started on an empty queue (the tasks the pages
    queued meanwhile, e-mails and invoices, are dropped: they are not what is measured)
    and ready when the context starts, stopped at its end."""

    @contextlib.contextmanager
    def running():
        import redis

        redis.Redis.from_url(redis_url).delete("celery")
        log = log_dir / "celery.log"
        process = harness.start(
            "celery",
            [harness.BIN / "celery", "-A", "config", "worker", "--loglevel=INFO",
             "--concurrency=1", "-n", f"bench-{os.getpid()}@%h", "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            env=env,
            log_dir=log_dir,
        )  # fmt: skip
        try:
            harness.wait_until(
                lambda: log.exists() and " ready." in log.read_text(errors="replace"),
                timeout=120,
                what="celery worker",
                process=process,
            )
            yield
        finally:
            harness.stop(process)

    return running


def main() -> None:
    report.RESULTS.mkdir(exist_ok=True)
    context = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": harness.machine()}
    with (
        tempfile.TemporaryDirectory(prefix="portail-bench-") as scratch,
        harness.dedicated_database(
            "portail_bench",
            given_url=os.environ.get("BENCH_DATABASE_URL", ""),
            keep=os.environ.get("BENCH_KEEP_DATABASE") == "1",
        ) as database_url,
    ):
        scratch = Path(scratch)
        redis_port = harness.free_port()
        redis_url = f"redis://{harness.LOOPBACK}:{redis_port}/0"
        os.environ.pop("CELERY_BROKER_URL", None)
        os.environ.update(server_env(database_url, redis_url, scratch))
        processes = {}
        try:
            processes["redis"] = harness.redis_server(redis_port, log_dir=scratch)
            fixture = seed(seeded=os.environ.get("BENCH_SEEDED") == "1")
            context["seed_seconds"] = fixture["seconds"]
            port = harness.free_port()
            processes["gunicorn"] = harness.gunicorn(port, env=dict(os.environ), log_dir=scratch)
            worker = celery_worker(dict(os.environ), redis_url, scratch)
            rows = measure(f"http://{harness.LOOPBACK}:{port}", fixture, worker=worker)
        except Exception:
            for name in ("gunicorn", "celery", "redis"):
                print(f"--- {name} ---\n{harness.log_tail(scratch, name)}", file=sys.stderr)
            raise
        finally:
            for process in processes.values():
                harness.stop(process)
    report.save(rows, context)
    print(report.publish(rows, context))


if __name__ == "__main__":
    main()
