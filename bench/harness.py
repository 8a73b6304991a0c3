"""What `make bench` and `make load` share, without Django: loopback ports, a dedicated
PostgreSQL database, the processes they start (gunicorn, Redis, Celery) and the pages'
forms, read and filled in as a browser would post them."""

import contextlib
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"
# The maintenance database of the local PostgreSQL, where the dedicated one is created.
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def machine() -> str:
    """The machine, and how busy it was when the run started: figures from a shared
    machine are only comparable with that in mind."""
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


# The dedicated database


def _admin(statement: sql.Composable) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


@contextlib.contextmanager
def dedicated_database(name: str, *, given_url: str = "", keep: bool = False) -> Iterator[str]:
    """Yields the URL of `name`, created empty on the local PostgreSQL (a copy left by an
    interrupted run is dropped first) and dropped afterwards unless `keep`. A `given_url`
    is used as it is: never created nor dropped."""
    if given_url:
        yield given_url
        return
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    _admin(drop)
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(POSTGRES_ADMIN_URL)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        if not keep:
            _admin(drop)


# Processes


def start(name: str, command: list[str], *, env: dict, log_dir: Path) -> subprocess.Popen:
    """Starts `command` in its own session, its output in log_dir/<name>.log."""
    log = (log_dir / f"{name}.log").open("ab")
    return subprocess.Popen(
        [str(part) for part in command],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen | None, *, timeout: float = 20) -> None:
    """Stops a process started by `start` and whatever it forked (gunicorn's and Celery's
    workers): SIGTERM to its process group, SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    for sent in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sent)
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def log_tail(log_dir: Path, name: str, lines: int = 40) -> str:
    path = log_dir / f"{name}.log"
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_until(check: Callable[[], bool], *, timeout: float, what: str, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with code {process.returncode}.")
        with contextlib.suppress(OSError, requests.RequestException):
            if check():
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s.")


def gunicorn(port: int, *, env: dict, log_dir: Path, workers: int = 2) -> subprocess.Popen:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, ready when /sante/ answers
    200 (the database, and Redis when configured, are reachable)."""
    process = start(
        "gunicorn",
        [BIN / "gunicorn", "config.wsgi", "--config", ROOT / "config" / "gunicorn.py",
         "--workers", workers, "--bind", f"{LOOPBACK}:{port}", "--chdir", ROOT,
         "--access-logfile", log_dir / "access.log", "--timeout", 300, "--no-control-socket"],
        env=env,
        log_dir=log_dir,
    )  # fmt: skip
    wait_until(
        lambda: requests.get(f"http://{LOOPBACK}:{port}/sante/", timeout=5).status_code == 200,
        timeout=60,
        what="gunicorn",
        process=process,
    )
    return process


def redis_server(port: int, *, log_dir: Path) -> subprocess.Popen:
    """A throw-away Redis on loopback: no persistence, nothing written outside log_dir."""
    process = start(
        "redis",
        ["redis-server", "--bind", LOOPBACK, "--port", port, "--save", "", "--appendonly", "no",
         "--dir", log_dir],
        env=dict(os.environ),
        log_dir=log_dir,
    )  # fmt: skip

    def answers() -> bool:
        with socket.create_connection((LOOPBACK, port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")

    wait_until(answers, timeout=20, what="redis-server", process=process)
    return process


# Server-Timing, as written by bench.middleware.ServerTimingMiddleware

TIMING = re.compile(r"app;dur=([\d.]+), sql;dur=([\d.]+);desc=\"(\d+) queries\"")


def server_timing(response: requests.Response) -> tuple[float, float, int]:
    """The server time (ms), the time spent in SQL (ms) and the number of queries."""
    match = TIMING.search(response.headers.get("Server-Timing", ""))
    if match is None:
        raise RuntimeError(f"No Server-Timing header on {response.url} ({response.status_code}).")
    return float(match[1]), float(match[2]), int(match[3])


# Forms, read from the page as a browser would send them

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A line of the order table; its error row (« order-row__errors ») has no field.
ROW = re.compile(r'<tr class="order-row(?: order-row--[a-z]+)*"[^>]*>(.*?)</tr>', re.S)
SELECT = re.compile(r'<select name="(\w+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"( selected)?')
INPUT = re.compile(r'<input type="(?:hidden|number|text)" name="(\w+)" value="([^"]*)"')
TABLE_COLUMNS = ["beneficiary", "category", "format", "booklets", "per_booklet", "face_value",
                 "share"]  # fmt: skip
CASE_LINK = re.compile(r'href="/domiciliataire/dossiers/([0-9a-f-]{36})/"')
PROOF_STATE = re.compile(r'name="etat-([0-9a-f-]{36})"')
INVALIDATION_REASON = "Document illisible"


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("The page has no form with a CSRF token.")
    return match[1]


def _first(pattern: str, html: str, what: str) -> str:
    match = re.search(pattern, html)
    if match is None:
        raise RuntimeError(f"The page has no {what}.")
    return match[1]


def login_form(html: str, *, username: str, password: str) -> dict:
    return {"csrfmiddlewaretoken": csrf_token(html), "login": username, "password": password}


def order_table_form(
    html: str, *, action: str, booklets: Callable[[int], int] = lambda index: 1
) -> tuple[dict, int]:
    """The order table « Commander » (`action` "order") or « Sauvegarder mon panier »
    ("save") posts: every row with the values it shows, `booklets(index)` booklets on
    row `index`, delivered to the financeur's first address by standard transport on the
    first day the calendar offers. Returns the data and the number of ordered lines."""
    columns: dict[str, list[str]] = {name: [] for name in TABLE_COLUMNS}
    ordered = 0
    for index, row in enumerate(ROW.findall(html)):
        values = dict(INPUT.findall(row))
        for name, options in SELECT.findall(row):
            found = OPTION.findall(options)
            values[name] = next((v for v, chosen in found if chosen), found[0][0] if found else "")
        values["booklets"] = str(booklets(index))
        ordered += values["booklets"] != "0"
        for name in TABLE_COLUMNS:
            columns[name].append(values[name])
    data = {
        "csrfmiddlewaretoken": csrf_token(html),
        "cart_version": _first(r'name="cart_version" value="(\d+)"', html, "cart version"),
        "action": action,
        "delivery": _first(r'<option value="(address-\d+)"', html, "delivery address"),
        "transport_mode": "standard",
        "delivery_date": _first(
            r'name="delivery_date" id="[^"]+" value="([0-9-]+)"', html, "delivery day"
        ),
        **columns,
    }
    return data, ordered


def recap_form(html: str) -> dict:
    """« Valider la commande » with the CGV ticked, for the cart version shown."""
    return {
        "csrfmiddlewaretoken": csrf_token(html),
        "cart_version": _first(r'name="cart_version" value="(\d+)"', html, "cart version"),
        "terms_version": _first(r'name="terms_version" value="([^"]+)"', html, "CGV version"),
        "accept_terms": "on",
    }


def import_confirm_form(html: str) -> dict:
    """« Confirmer l’import » of a ready preview: its form's action and CSRF token."""
    return {
        "action": _first(r'<form method="post" action="([^"]+/confirmer/)"', html, "confirmation"),
        "csrfmiddlewaretoken": csrf_token(html),
    }


def proof_review_form(html: str, *, invalidate: Callable[[int], bool] = lambda index: False):
    """« Mettre à jour » on « Justificatifs »: each proof shown « Validé », or « Invalidé »
    with a reason where `invalidate(index)`. Returns the data and the number of proofs."""
    proofs = list(dict.fromkeys(PROOF_STATE.findall(html)))
    data = {"csrfmiddlewaretoken": csrf_token(html)}
    for index, proof_id in enumerate(proofs):
        if invalidate(index):
            data[f"etat-{proof_id}"] = "invalidated"
            data[f"motif-{proof_id}"] = INVALIDATION_REASON
        else:
            data[f"etat-{proof_id}"] = "validated"
            data[f"motif-{proof_id}"] = ""
        data[f"autre-{proof_id}"] = ""
    return data, len(proofs)


def case_ids(html: str) -> list[str]:
    """The cases linked from a case list, in the order shown."""
    return list(dict.fromkeys(CASE_LINK.findall(html)))
