"""Page benchmarks (`make bench`, never part of the test suite).

Measures, for each page, the median and 95th percentile of server time over repeated
requests through the whole middleware stack, the SQL queries per request and the
response size, and reports each page as a ratio to a floor: the cheapest logged-in page.
Writes bench/results/latest.md. Uses DATABASE_URL when set, else a throw-away SQLite
database.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
# (label, path, login or None). The floor is the first logged-in entry.
PAGES = [
    ("floor: organisations", "/compte/organisations/", "C100001"),
    ("landing", "/", None),
    ("login", "/compte/connexion/", None),
    ("health", "/sante/", None),
    ("CESU home", "/cesu/", "C100001"),
    ("bénéficiaires", "/cesu/beneficiaires/", "C100001"),
    ("bénéficiaires search", "/cesu/beneficiaires/?q=mar", "C100001"),
    ("gestionnaires", "/cesu/gestionnaires/", "C100001"),
    ("documents utiles", "/cesu/documents/", "C100001"),
    ("besoin d'aide", "/cesu/aide/", "C100001"),
]


def measure(client: Client, path: str) -> dict:
    timings, queries, size = [], 0, 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
        queries, size = len(captured), len(response.content)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "queries": queries,
        "size": size,
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    rows = []
    for label, path, login in PAGES:
        client = Client()
        if login:
            client.force_login(User.objects.get(username=login))
        rows.append((label, path, measure(client, path)))
    floor = rows[0][2]["median"]
    lines = [
        "# Benchmarks",
        "",
        f"{REPEAT} requests per page, database `{connection.vendor}`.",
        "",
        "| page | path | median (ms) | p95 (ms) | × floor | queries | size (bytes) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path, result in rows:
        lines.append(
            f"| {label} | `{path}` | {result['median'] * 1000:.1f} | {result['p95'] * 1000:.1f}"
            f" | {result['median'] / floor:.2f} | {result['queries']} | {result['size']} |"
        )
    output = ROOT / "bench" / "results" / "latest.md"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
