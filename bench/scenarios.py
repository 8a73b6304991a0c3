"""The pages `make bench` measures, section by section, each with the target the issues
set: an absolute one (`target_ms`, the median) and one relative to the floor
(`floor_ratio`) or to the limit of the same rows (`limit`, bench/limits.py)."""

import re
import time

from bench import harness
from bench.sampling import REPEAT, Browser, Row, pages, sample, sent_bytes

# Financeurs by number of bénéficiaires; the largest past orders are the 2,000's.
SIZES = (200, 2000, 5000, 10000)
HISTORY_SIZE = 2000
IMPORT_SIZES = (2000, 5000, 10000)
IMPORT_RUNS = {2000: 3, 5000: 1, 10000: 2}
IMPORT_TARGET_MS = {2000: 2000, 10000: 10000}
# « Importer un fichier de paie »: 2,000 lines into the cart under 10 s (issue 22).
PAYROLL_SIZE, PAYROLL_RUNS, PAYROLL_TARGET_MS = 2000, 3, 10_000
PAGE_TARGET_MS = 100
PAGE_FLOOR_RATIO = 3
PROVIDER_FLOOR_RATIO = 5
LIMIT_RATIO = 3
DIRECTORY = "Annuaire (50,000 providers, 75,000 centres)"
CASES = "Dossiers (100,000 cases at one domiciliataire)"


def table_target(size: int) -> float:
    """The order table: 500 ms up to 2,000 bénéficiaires (the design size), 1 s above."""
    return 500 if size <= HISTORY_SIZE else 1000


def public_rows(base_url: str) -> list[Row]:
    return pages(Browser(base_url), "Public pages", [
        ("landing", "/", PAGE_TARGET_MS),
        ("login", "/compte/connexion/", PAGE_TARGET_MS),
        ("health", "/sante/", None),
    ], floor_ratio=PAGE_FLOOR_RATIO)  # fmt: skip


def cesu_rows(base_url: str, password: str) -> tuple[list[Row], str]:
    """The financeur space's pages; returns them and the path of the 2,000-line order
    placed (its « Récapitulatif PDF » is made later, with a worker running)."""
    section = "Espace Commandes CESU"
    largest = Browser(base_url).login(f"BENCH{HISTORY_SIZE}", password)
    rows = pages(largest, f"{section} (2,000 bénéficiaires, 200 past orders)", [
        ("CESU home", "/cesu/", PAGE_TARGET_MS),
        ("order history, 200 orders", "/cesu/commandes/", PAGE_TARGET_MS),
    ], floor_ratio=PAGE_FLOOR_RATIO)  # fmt: skip
    rows += pages(largest, f"{section} (2,000 bénéficiaires, 200 past orders)", [
        ("bénéficiaires search", "/cesu/beneficiaires/?q=nom0042", None),
        ("gestionnaires", "/cesu/gestionnaires/", None),
        ("documents utiles", "/cesu/documents/", None),
        ("besoin d'aide", "/cesu/aide/", None),
        ("organisations (switcher)", "/compte/organisations/", None),
    ])  # fmt: skip
    saved, browsers = {}, {}
    for size in SIZES:
        browsers[size] = (
            largest if size == HISTORY_SIZE else Browser(base_url).login(f"BENCH{size}", password)
        )
        size_rows, saved[size] = sized_rows(
            browsers[size], f"{section}, by number of bénéficiaires", size
        )
        rows += size_rows
    validated, order_path = validation_rows(
        largest, saved[HISTORY_SIZE], browsers[SIZES[0]], saved[SIZES[0]]
    )
    return rows + validated, order_path


def sized_rows(browser: Browser, section: str, size: int) -> tuple[list[Row], dict]:
    """The pages whose cost follows the number of bénéficiaires, for a financeur of `size`:
    the order table (every bénéficiaire at its usual booklet), « Sauvegarder mon panier »,
    the table with the cart saved and its recap, and the limit of each (same rows, raw).
    Also returns the order table's form as saved."""

    def row(name, path, target=None, method="GET", floor_ratio=None):
        # The limit is a target from the design size up (2,000); below, it is shown only.
        return Row(section=section, label=f"{name}, {size:,}", path=path, method=method,
                   target_ms=target, series=name, size=size,
                   limit_target=size >= HISTORY_SIZE, floor_ratio=floor_ratio)  # fmt: skip

    table, recap = "/cesu/commandes/nouvelle/", "/cesu/commandes/recapitulatif/"
    table_limit = lambda: browser.get("/bench/limite/tableau/")  # noqa: E731
    rows = [
        sample(row("bénéficiaires", "/cesu/beneficiaires/", PAGE_TARGET_MS,
                   floor_ratio=PAGE_FLOOR_RATIO),
               lambda: browser.get("/cesu/beneficiaires/")),
        sample(row("order table", table, table_target(size)), lambda: browser.get(table),
               limit=table_limit),
    ]  # fmt: skip
    data, _ = harness.order_table_form(browser.page(table), action="save")
    rows.append(sample(row("cart save", table, method="POST"), _saves(browser, data),
                       runs=min(REPEAT, 10), expect=(302,),
                       limit=lambda: browser.post("/bench/limite/panier/", data)))  # fmt: skip
    rows += [
        sample(row("order table, saved cart", table, table_target(size)),
               lambda: browser.get(table), limit=table_limit),
        sample(row("recap", recap), lambda: browser.get(recap),
               limit=lambda: browser.get("/bench/limite/recapitulatif/")),
    ]  # fmt: skip
    return rows, data


def _saves(browser: Browser, data: dict):
    """« Sauvegarder mon panier », again and again: each save moves the cart to the next
    version, which the next save must carry."""

    def save():
        response = browser.post("/cesu/commandes/nouvelle/", data)
        data["cart_version"] = str(int(data["cart_version"]) + 1)
        return response

    return save


def _validation(browser: Browser, data: dict, lines: int, runs: int) -> tuple[Row, str]:
    """« Valider la commande » of `lines` lines (each run saves the cart again first, not
    measured); returns the row and the last order placed."""
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

    row = Row(section="Espace Commandes CESU, « Valider la commande » and the order placed",
              label=f"validation, {lines:,} lines", path="/cesu/commandes/recapitulatif/",
              method="POST", target_ms=1000, series="validation", size=lines)  # fmt: skip
    return sample(row, validate, runs=runs, warmup=0, expect=(302,)), placed[-1]


def validation_rows(
    browser: Browser, data: dict, small: Browser, small_data: dict
) -> tuple[list[Row], str]:
    """« Valider la commande » at 200 and 2,000 lines (the same queries), then the order
    placed: its page, its invoice and its lines as CSV and XLSX. Returns the rows and
    the path of the 2,000-line order."""
    section = "Espace Commandes CESU, « Valider la commande » and the order placed"
    rows = [_validation(small, small_data, SIZES[0], runs=3)[0]]
    validation, order_path = _validation(browser, data, HISTORY_SIZE, runs=3)
    rows.append(validation)
    invoice = re.search(r'href="(/cesu/factures/[0-9a-f-]{36}/)"', browser.page(order_path))[1]
    rows += pages(browser, section, [("invoice PDF", invoice, PAGE_TARGET_MS)],
                  floor_ratio=PAGE_FLOOR_RATIO)  # fmt: skip
    rows += pages(browser, section, [("order detail, 2,000 lines", order_path, None)])
    rows += pages(browser, section, [
        ("order lines CSV, 2,000 lines", order_path + "lignes.csv", None),
    ])  # fmt: skip
    return rows, order_path


def order_file_rows(browser: Browser, order_path: str) -> list[Row]:
    """The 2,000-line order's « Récapitulatif PDF » and lines as a workbook: from the first
    click to the file, made by its task in the worker while the page asks again (wall
    clock), then served from the stored file."""
    section = "Espace Commandes CESU, work done by Celery tasks (a worker running)"
    rows = []
    for name, path, content_type in (
        ("recap PDF", "recapitulatif.pdf", "application/pdf"),
        ("order lines XLSX", "lignes.xlsx", "application/vnd.openxmlformats"),
    ):
        url = order_path + path
        started = time.perf_counter()
        first = browser.get(url)
        while not browser.get(url).headers.get("Content-Type", "").startswith(content_type):
            time.sleep(0.5)
        made = Row(section=section, label=f"{name}, 2,000 lines: first click to file (wall)",
                   path=url, clock="wall")  # fmt: skip
        _, sql, queries = harness.server_timing(first)
        made.samples.append(((time.perf_counter() - started) * 1000, sql, queries))
        print(f"  {made.label}: {made.median:,.0f} ms", flush=True)
        rows.append(made)
        rows += pages(browser, section, [
            (f"{name}, 2,000 lines, from the stored file", url, 1000),
        ])  # fmt: skip
    return rows


def import_rows(base_url: str, password: str, files: dict[int, bytes]) -> list[Row]:
    """« Importer des bénéficiaires » from upload to confirmed, into an empty financeur each
    run: the upload, the check by its task in the worker while the page asks again, the
    preview and the confirmation. Time: the wall clock of the whole journey; queries: the
    upload's, the preview's and the confirmation's (not the polls')."""
    section = "Espace Commandes CESU, work done by Celery tasks (a worker running)"
    rows = []
    for size in IMPORT_SIZES:
        row = Row(section=section, label=f"import, {size:,} rows: upload to confirmed (wall)",
                  path="/cesu/beneficiaires/importer/", method="POST",
                  target_ms=IMPORT_TARGET_MS.get(size), series="import", size=size,
                  clock="wall")  # fmt: skip
        for run in range(IMPORT_RUNS[size]):
            browser = Browser(base_url).login(f"IMPORT{size}-{run}", password)
            row.samples.append(_import(browser, files[size], row))
        print(f"  {row.label}: median {row.median:,.0f} ms, {row.queries} queries", flush=True)
        rows.append(row)
    return rows


def payroll_rows(base_url: str, password: str, content: bytes) -> list[Row]:
    """« Importer un fichier de paie » from upload to the cart filled, 2,000 lines, into a
    financeur of 2,000 bénéficiaires each run: the same journey as import_rows."""
    section = "Espace Commandes CESU, work done by Celery tasks (a worker running)"
    upload = "/cesu/commandes/fichier-de-paie/"
    row = Row(section=section, label=f"payroll import, {PAYROLL_SIZE:,} lines: upload to cart "
              "filled (wall)", path=upload, method="POST", target_ms=PAYROLL_TARGET_MS,
              clock="wall")  # fmt: skip
    for run in range(PAYROLL_RUNS):
        browser = Browser(base_url).login(f"PAYROLL{PAYROLL_SIZE}-{run}", password)
        row.samples.append(_import(browser, content, row, upload=upload, name="paie.csv"))
    print(f"  {row.label}: median {row.median:,.0f} ms, {row.queries} queries", flush=True)
    return [row]


def _import(
    browser: Browser,
    content: bytes,
    row: Row,
    *,
    upload: str = "/cesu/beneficiaires/importer/",
    name: str = "beneficiaires.csv",
) -> tuple[float, float, int]:
    token = harness.csrf_token(browser.page(upload))
    started = time.perf_counter()
    uploaded = browser.post(upload, {"csrfmiddlewaretoken": token},
                            files={"file": (name, content, "text/csv")})  # fmt: skip
    status = uploaded.headers.get("Location", "")
    while "data-import-ready" not in (preview := browser.get(status)).text:
        time.sleep(0.2)
    form = harness.import_confirm_form(preview.text)
    confirmed = browser.post(form.pop("action"), form)
    wall = (time.perf_counter() - started) * 1000
    if confirmed.status_code != 302 or confirmed.headers.get("Location", "").startswith(upload):
        raise RuntimeError(f"{row.label}: the import was not confirmed.")
    row.response_bytes = sent_bytes(preview)
    timings = [harness.server_timing(r) for r in (uploaded, preview, confirmed)]
    return wall, sum(t[1] for t in timings), sum(t[2] for t in timings)


def directory_rows(base_url: str) -> list[Row]:
    browser = Browser(base_url)
    rows = pages(browser, DIRECTORY, [
        ("directory home", "/annuaire/", PAGE_TARGET_MS),
        ("busy département (75)", "/annuaire/departement/75/", PAGE_TARGET_MS),
        ("directory search", "/annuaire/recherche/?q=ville+42", PAGE_TARGET_MS),
    ], floor_ratio=PAGE_FLOOR_RATIO)  # fmt: skip
    rows += pages(browser, DIRECTORY, [
        ("busy département, page 50", "/annuaire/departement/75/?page=50", None),
        ("region (Île-de-France)", "/annuaire/ile-de-france/", None),
    ])  # fmt: skip
    return rows


def case_rows(base_url: str, password: str, case_id: str) -> list[Row]:
    browser = Browser(base_url).login("domiciliataire@demo.example", password)
    base = f"/domiciliataire/dossiers/{case_id}/"
    rows = pages(browser, CASES, [("provider dashboard", "/domiciliataire/", None)])
    rows += pages(browser, CASES, [
        ("provider case list", "/domiciliataire/dossiers/", PAGE_TARGET_MS),
        ("S1 queue, 70,000 cases", "/domiciliataire/dossiers/?statut=S1", None),
        ("case search", "/domiciliataire/dossiers/?q=bench042424", None),
    ], floor_ratio=PROVIDER_FLOOR_RATIO)  # fmt: skip
    # Deep in the queue (an offset of 49,950 cases): shown, not held to a target.
    rows += pages(browser, CASES, [
        ("S1 queue, page 1,000", "/domiciliataire/dossiers/?statut=S1&page=1000", None),
    ])  # fmt: skip
    rows += pages(browser, CASES, [("case page", base, PAGE_TARGET_MS)],
                  floor_ratio=PAGE_FLOOR_RATIO)  # fmt: skip
    rows += pages(browser, CASES, [
        ("case proofs (Justificatifs)", f"{base}justificatifs/", None),
        ("case contract (Contrat)", f"{base}contrat/", None),
    ])  # fmt: skip
    data, proofs = harness.proof_review_form(browser.page(f"{base}justificatifs/"))
    assert proofs == 3, proofs
    save = Row(section=CASES, label="proof review save (« Mettre à jour »)",
               path=f"{base}justificatifs/", method="POST", target_ms=PAGE_TARGET_MS,
               floor_ratio=PAGE_FLOOR_RATIO)  # fmt: skip
    rows.append(sample(save, lambda: browser.post(f"{base}justificatifs/", data), expect=(302,)))
    return rows
