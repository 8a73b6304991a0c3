"""Page benchmarks (`make bench`, never part of the test suite).

Seeds large tenants (a financeur with 2,000 bénéficiaires and 200 past orders, two
smaller ones, 10,000 providers with 15,000 centres, 10,000 cases at one domiciliataire)
into a dedicated PostgreSQL database, starts gunicorn on loopback with bench.settings,
logs in over HTTP and measures every key page: the median and 95th percentile of the
server time and the SQL queries, read from the Server-Timing header that
bench.middleware writes (the network round trip is not the server time), and the
response size. Each page is also a ratio to the floor, the base layout of a logged-in
user, measured in the same run.

Writes bench/results/latest.md and bench/results/latest.png. Environment:
BENCH_REPEAT (requests per page, 50), BENCH_DATABASE_URL (use this database as it is
instead of creating and dropping `portail_bench`), BENCH_KEEP_DATABASE=1 (keep it),
BENCH_POSTGRES_URL (the local server's maintenance database).
"""

import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
WARMUP = 2
SIZES = (20, 200, 2000)
TABLE_TARGET_MS = 500
PAGE_TARGET_MS = 100
RESULTS = ROOT / "bench" / "results"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(kw_only=True)
class Row:
    section: str
    label: str
    path: str
    method: str = "GET"
    target_ms: float | None = None
    series: str | None = None  # A size-dependent page: its name in the chart.
    size: int | None = None
    samples: list[tuple[float, float, int]] = field(default_factory=list)
    response_bytes: int = 0

    @property
    def median(self) -> float:
        return statistics.median(app for app, _, _ in self.samples)

    @property
    def p95(self) -> float:
        # Nearest rank: with 50 requests, the 48th fastest.
        ordered = sorted(app for app, _, _ in self.samples)
        return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]

    @property
    def sql_median(self) -> float:
        return statistics.median(sql for _, sql, _ in self.samples)

    @property
    def queries(self) -> int:
        """The usual number of queries (see query_note for the exceptions)."""
        return Counter(count for _, _, count in self.samples).most_common(1)[0][0]

    @property
    def query_note(self) -> str:
        counts = {count for _, _, count in self.samples}
        return "" if len(counts) == 1 else f" ({min(counts)}–{max(counts)})"

    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        if self.median >= self.target_ms:
            return f"missed by {self.median - self.target_ms:.0f} ms"
        if self.p95 >= self.target_ms:
            return "met (p95 over)"
        return "met"


class Browser:
    """One visitor: a requests session with its cookies, talking to the bench server."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base_url + path, allow_redirects=False, timeout=120)

    def post(self, path: str, data: dict) -> requests.Response:
        return self.session.post(
            self.base_url + path, data=data, allow_redirects=False, timeout=120
        )

    def page(self, path: str) -> str:
        response = self.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        return response.text

    def login(self, username: str, password: str) -> "Browser":
        page = self.page("/compte/connexion/")
        data = harness.login_form(page, username=username, password=password)
        response = self.post("/compte/connexion/", data)
        if response.status_code != 302:
            raise RuntimeError(f"Login of {username} refused ({response.status_code}).")
        return self


def sample(row: Row, call, *, runs: int = REPEAT, warmup: int = WARMUP, expect=(200,)) -> Row:
    """Calls `call` `warmup` + `runs` times and keeps the server timing of the last
    `runs` responses."""
    for index in range(warmup + runs):
        response = call()
        if response.status_code not in expect:
            raise RuntimeError(f"{row.label}: {row.method} {row.path} {response.status_code}")
        if index >= warmup:
            row.samples.append(harness.server_timing(response))
            row.response_bytes = len(response.content)
    print(f"  {row.label}: median {row.median:.1f} ms, {row.queries} queries", flush=True)
    return row


def pages(browser: Browser, section: str, entries: list[tuple]) -> list[Row]:
    """GET rows: (label, path, target in ms or None)."""
    return [
        sample(Row(section=section, label=label, path=path, target_ms=target),
               lambda p=path: browser.get(p))
        for label, path, target in entries
    ]  # fmt: skip


# The pages


def cesu_rows(base_url: str, password: str) -> list[Row]:
    section = "Espace Commandes CESU"
    largest = Browser(base_url).login("BENCH2000", password)
    rows = pages(largest, f"{section} (2,000 bénéficiaires, 200 past orders)", [
        ("CESU home", "/cesu/", PAGE_TARGET_MS),
        ("order history, 200 orders", "/cesu/commandes/", PAGE_TARGET_MS),
        ("bénéficiaires search", "/cesu/beneficiaires/?q=nom0042", None),
        ("gestionnaires", "/cesu/gestionnaires/", None),
        ("documents utiles", "/cesu/documents/", None),
        ("besoin d'aide", "/cesu/aide/", None),
        ("organisations (switcher)", "/compte/organisations/", None),
    ])  # fmt: skip
    for size in SIZES:
        browser = largest if size == 2000 else Browser(base_url).login(f"BENCH{size}", password)
        size_rows, data = sized_rows(browser, f"{section}, by number of bénéficiaires", size)
        rows += size_rows
    rows += validation_rows(largest, data)
    return rows


def sized_rows(browser: Browser, section: str, size: int) -> tuple[list[Row], dict]:
    """The pages whose cost follows the number of bénéficiaires, for a financeur of `size`:
    the order table empty, then with the cart saved (every line at one booklet) and its
    recap. Also returns the order table's form as saved."""

    def row(name, path, target, method="GET"):
        return Row(section=section, label=f"{name}, {size:,}", path=path, method=method,
                   target_ms=target, series=name, size=size)  # fmt: skip

    rows = [
        sample(row("bénéficiaires", "/cesu/beneficiaires/", PAGE_TARGET_MS),
               lambda: browser.get("/cesu/beneficiaires/")),
        sample(row("order table", "/cesu/commandes/nouvelle/", TABLE_TARGET_MS),
               lambda: browser.get("/cesu/commandes/nouvelle/")),
    ]  # fmt: skip
    data, _ = harness.order_table_form(browser.page("/cesu/commandes/nouvelle/"), action="save")
    rows.append(sample(row("cart save", "/cesu/commandes/nouvelle/", None, "POST"),
                       _saves(browser, data), runs=min(REPEAT, 10), expect=(302,)))  # fmt: skip
    rows.append(
        sample(
            row("order table, saved cart", "/cesu/commandes/nouvelle/", TABLE_TARGET_MS),
            lambda: browser.get("/cesu/commandes/nouvelle/"),
        )
    )
    rows.append(sample(row("recap", "/cesu/commandes/recapitulatif/", PAGE_TARGET_MS),
                       lambda: browser.get("/cesu/commandes/recapitulatif/")))  # fmt: skip
    return rows, data


def _saves(browser: Browser, data: dict):
    """« Sauvegarder mon panier », again and again: each save moves the cart to the next
    version, which the next save must carry."""

    def save():
        response = browser.post("/cesu/commandes/nouvelle/", data)
        data["cart_version"] = str(int(data["cart_version"]) + 1)
        return response

    return save


def validation_rows(browser: Browser, data: dict) -> list[Row]:
    """« Valider la commande » of 2,000 lines (each run saves the cart again first, not
    measured), then the order it placed and its invoice PDF."""
    section = "Espace Commandes CESU, the validated order (2,000 lines)"
    save = _saves(browser, data)
    placed = []

    def validate():
        save()
        form = harness.recap_form(browser.page("/cesu/commandes/recapitulatif/"))
        response = browser.post("/cesu/commandes/recapitulatif/", form)
        placed.append(response.headers.get("Location", ""))
        # Placing the order moved the emptied cart to the next version too.
        data["cart_version"] = str(int(form["cart_version"]) + 1)
        return response

    validation = Row(section=section, label="validation, 2,000 lines",
                     path="/cesu/commandes/recapitulatif/", method="POST")  # fmt: skip
    rows = [sample(validation, validate, runs=3, warmup=0, expect=(302,))]
    order_path = placed[-1]
    invoice = re.search(r'href="(/cesu/factures/[0-9a-f-]{36}/)"', browser.page(order_path))
    rows += pages(browser, section, [
        ("order detail, 2,000 lines", order_path, None),
        ("invoice PDF", invoice[1], PAGE_TARGET_MS),
    ])  # fmt: skip
    return rows


def directory_rows(base_url: str) -> list[Row]:
    return pages(Browser(base_url), "Annuaire (10,000 providers, 15,000 centres)", [
        ("directory home", "/annuaire/", PAGE_TARGET_MS),
        ("busy département (75)", "/annuaire/departement/75/", PAGE_TARGET_MS),
        ("busy département, page 50", "/annuaire/departement/75/?page=50", None),
        ("directory search", "/annuaire/recherche/?q=ville+42", PAGE_TARGET_MS),
        ("region (Île-de-France)", "/annuaire/ile-de-france/", None),
    ])  # fmt: skip


def case_rows(base_url: str, password: str, case_id: str) -> list[Row]:
    section = "Dossiers (10,000 cases at one domiciliataire)"
    browser = Browser(base_url).login("domiciliataire@demo.example", password)
    base = f"/domiciliataire/dossiers/{case_id}/"
    rows = pages(browser, section, [
        ("provider dashboard", "/domiciliataire/", None),
        ("provider case list", "/domiciliataire/dossiers/", PAGE_TARGET_MS),
        ("S1 queue, 7,000 cases", "/domiciliataire/dossiers/?statut=S1", None),
        ("S1 queue, page 100", "/domiciliataire/dossiers/?statut=S1&page=100", None),
        ("case search", "/domiciliataire/dossiers/?q=bench04242", None),
        ("case page", base, PAGE_TARGET_MS),
        ("case proofs (Justificatifs)", f"{base}justificatifs/", None),
        ("case contract (Contrat)", f"{base}contrat/", None),
    ])  # fmt: skip
    data, proofs = harness.proof_review_form(browser.page(f"{base}justificatifs/"))
    assert proofs == 3, proofs
    save = Row(section=section, label="proof review save (« Mettre à jour »)",
               path=f"{base}justificatifs/", method="POST", target_ms=PAGE_TARGET_MS)  # fmt: skip
    rows.append(sample(save, lambda: browser.post(f"{base}justificatifs/", data), expect=(302,)))
    return rows


# The report


def _shown(path: str) -> str:
    return UUID.sub("<id>", path)


def write_markdown(rows: list[Row], floor: Row, context: dict) -> str:
    targeted = [row for row in rows if row.target_ms is not None]
    missed = [row for row in targeted if row.median >= row.target_ms]
    table = next(r for r in rows if r.series == "order table" and r.size == 2000)
    others = [row for row in targeted if row.series != "order table"]
    lines = [
        "# Benchmarks",
        "",
        f"Run of {context['date']} on {context['machine']}: PostgreSQL (dedicated database), "
        "gunicorn with 2 sync workers on 127.0.0.1, settings `bench.settings` "
        "(`config.settings.local` with the Server-Timing probe), `DJANGO_DEBUG=false`, "
        "persistent database connections (`DATABASE_CONN_MAX_AGE=60`), no broker: Celery "
        "tasks run in the request (e-mails and SMS to memory, the validated order's invoice "
        "PDF rendered before the response).",
        "",
        f"**Server time** is Django's handling of one request, measured by "
        "`bench.middleware.ServerTimingMiddleware` (first middleware) and read from the "
        "`Server-Timing` header; the network round trip is not included. Each page: "
        f"{WARMUP} warm-up requests, then {REPEAT} measured (POSTs: as stated in *runs*). "
        "p95: nearest rank. **× floor**: median over the median of the floor, the base "
        "layout of a logged-in user through the same middleware stack "
        f"(`{floor.path}`, {floor.median:.1f} ms, {floor.queries} queries, this run). "
        "**Queries**: SQL queries per request, counted with `connection.execute_wrapper`; "
        "a range in brackets means some requests ran one more (the session's activity "
        "stamp, written at most once a minute).",
        "",
        "## Targets",
        "",
        f"- Order table with 2,000 bénéficiaires under {TABLE_TARGET_MS} ms: "
        f"**{table.verdict()}** (median {table.median:.0f} ms, p95 {table.p95:.0f} ms).",
        f"- Every other key page under {PAGE_TARGET_MS} ms (median): "
        f"**{sum(r.median < r.target_ms for r in others)} of {len(others)} met**"
        + ("." if not [r for r in missed if r in others] else "; missed:"),
    ]
    for row in missed:
        if row in others:
            lines.append(
                f"  - {row.label}: median {row.median:.0f} ms, p95 {row.p95:.0f} ms "
                f"({row.median - row.target_ms:.0f} ms over)."
            )
    lines.append("- A constant number of queries whatever the data size:")
    for series in dict.fromkeys(r.series for r in rows if r.series):
        counts = [(r.size, r.queries) for r in rows if r.series == series]
        constant = len({count for _, count in counts}) == 1
        shown = ", ".join(f"{count} at {size:,}" for size, count in counts)
        lines.append(f"  - {series}: {shown}: **{'met' if constant else 'missed'}**.")
    lines.append(
        "  - every other page runs the same queries on every request: **"
        + ("met" if all(not r.query_note for r in rows if not r.series) else "see the table")
        + "**."
    )
    lines += ["", "![Server time versus data size](latest.png)", ""]
    header = [
        "| page | path | runs | median (ms) | p95 (ms) | SQL (ms) | × floor | queries | size "
        "(bytes) | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for section in dict.fromkeys(row.section for row in rows):
        lines += [f"## {section}", "", *header]
        for row in (r for r in rows if r.section == section):
            target = f"< {row.target_ms:.0f} ms: {row.verdict()}" if row.target_ms else ""
            lines.append(
                f"| {row.label} | `{row.method + ' ' if row.method != 'GET' else ''}"
                f"{_shown(row.path)}` | {len(row.samples)} | {row.median:.1f} | {row.p95:.1f} "
                f"| {row.sql_median:.1f} | {row.median / floor.median:.1f} | "
                f"{row.queries}{row.query_note} | {row.response_bytes:,} | {target} |"
            )
        lines.append("")
    text = "\n".join(lines)
    (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    return text


def write_chart(rows: list[Row], floor: Row, context: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (sizes, key) = plt.subplots(
        1, 2, figsize=(14, 6.5), gridspec_kw={"width_ratios": [1, 1.15]}
    )
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    series_names = dict.fromkeys(r.series for r in rows if r.series)
    for colour, series in zip(colours, series_names, strict=False):
        points = [r for r in rows if r.series == series]
        x = [r.size for r in points]
        sizes.plot(x, [r.median for r in points], "o-", color=colour, label=series)
        sizes.plot(x, [r.p95 for r in points], "s--", color=colour, alpha=0.5)
    sizes.plot([], [], "k-", label="median (solid)")
    sizes.plot([], [], "k--", alpha=0.5, label="p95 (dashed)")
    lines = ((TABLE_TARGET_MS, "order table target"), (PAGE_TARGET_MS, "page target"),
             (floor.median, "floor"))  # fmt: skip
    for value, text in lines:
        sizes.axhline(value, color="grey", linestyle=":", linewidth=1)
        sizes.annotate(f"{text} ({value:.0f} ms)" if value >= 10 else f"{text} ({value:.1f} ms)",
                       (SIZES[-1], value), textcoords="offset points", xytext=(0, 3),
                       fontsize=8, color="dimgrey", ha="right")  # fmt: skip
    sizes.set(xscale="log", yscale="log", xticks=SIZES, xlabel="bénéficiaires of the financeur",
              ylabel="server time (ms, log scale)",
              title="Espace Commandes CESU: server time versus data size")  # fmt: skip
    sizes.set_xticklabels([f"{size:,}" for size in SIZES])
    sizes.grid(True, which="both", alpha=0.2)
    sizes.legend(fontsize=8, loc="upper left")

    targeted = [r for r in rows if r.target_ms is not None and (r.size in (None, 2000))]
    y = range(len(targeted))
    key.barh(y, [r.median for r in targeted], color=[
        colours[3] if r.median >= r.target_ms else colours[2] for r in targeted
    ], label="median")  # fmt: skip
    key.scatter([r.p95 for r in targeted], y, marker="|", s=200, color="black", label="p95")
    key.scatter([r.target_ms for r in targeted], y, marker="x", color="grey", label="target")
    key.set_yticks(list(y), [r.label for r in targeted], fontsize=8)
    key.invert_yaxis()
    key.set(xscale="log", xlabel="server time (ms, log scale)",
            title="Key pages at full size (red: median over target)")  # fmt: skip
    key.grid(True, axis="x", which="both", alpha=0.2)
    key.legend(fontsize=8, loc="lower right")
    figure.suptitle(f"make bench, {context['date']}, {context['machine']}", fontsize=10)
    figure.tight_layout()
    figure.savefig(RESULTS / "latest.png", dpi=110)


# The run


def server_env(database_url: str, scratch: Path) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": harness.LOOPBACK,
        "DJANGO_LOG_LEVEL": "WARNING",
        # No broker: tasks run in-process, like the embedded default (and main() unsets
        # CELERY_BROKER_URL).
        "REDIS_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SMS_BACKEND": "locmem",
        "DJANGO_MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(scratch / "private-media"),
    }


def seed() -> dict:
    """Runs in this process, on the bench database: returns what the pages need."""
    import django

    django.setup()
    from django.db import connections

    from bench import seeding

    started = time.monotonic()
    seeding.prepare_database()
    for size in SIZES:
        seeding.large_funder(size, 200 if size == 2000 else 10)
    seeding.large_directory()
    case_id = seeding.large_case_load()
    connections.close_all()
    print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)
    return {"password": seeding.PASSWORD, "case_id": case_id}


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    context = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": harness.machine(),
    }
    with (
        tempfile.TemporaryDirectory(prefix="portail-bench-") as scratch,
        harness.dedicated_database(
            "portail_bench",
            given_url=os.environ.get("BENCH_DATABASE_URL", ""),
            keep=os.environ.get("BENCH_KEEP_DATABASE") == "1",
        ) as database_url,
    ):
        scratch = Path(scratch)
        os.environ.pop("CELERY_BROKER_URL", None)
        os.environ.update(server_env(database_url, scratch))
        fixture = seed()
        port = harness.free_port()
        base_url = f"http://{harness.LOOPBACK}:{port}"
        server = None
        try:
            server = harness.gunicorn(port, env=dict(os.environ), log_dir=scratch)
            floor_browser = Browser(base_url).login("BENCH2000", fixture["password"])
            floor = sample(
                Row(section="Floor", label="floor: base layout, logged in",
                    path="/bench/plancher/"),
                lambda: floor_browser.get("/bench/plancher/"),
            )  # fmt: skip
            rows = [floor]
            rows += pages(Browser(base_url), "Public pages", [
                ("landing", "/", PAGE_TARGET_MS),
                ("login", "/compte/connexion/", PAGE_TARGET_MS),
                ("health", "/sante/", None),
            ])  # fmt: skip
            rows += cesu_rows(base_url, fixture["password"])
            rows += directory_rows(base_url)
            rows += case_rows(base_url, fixture["password"], fixture["case_id"])
        except Exception:
            print(harness.log_tail(scratch, "gunicorn"), file=sys.stderr)
            raise
        finally:
            harness.stop(server)
    print(write_markdown(rows, floor, context))
    write_chart(rows, floor, context)


if __name__ == "__main__":
    main()
