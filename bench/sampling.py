"""Measuring pages: a visitor talking to the bench server over HTTP (`Browser`), and one
measured page (`Row`): its requests' server time, SQL time and queries, read from the
`Server-Timing` header that bench.middleware writes (the network round trip is not the
server time), and the size of its answer as sent."""

import os
import statistics
from collections import Counter
from dataclasses import dataclass, field

import requests

from bench import harness

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
WARMUP = 2


@dataclass(kw_only=True)
class Row:
    section: str
    label: str
    path: str
    method: str = "GET"
    target_ms: float | None = None  # An absolute target (median), when the issue set one.
    floor_ratio: float | None = None  # A target as a multiple of the floor.
    series: str | None = None  # A size-dependent page: its name in the chart.
    size: int | None = None
    limit_target: bool = True  # Whether its limit is a target or shown only.
    samples: list[tuple[float, float, int]] = field(default_factory=list)
    # Server times of the floor, and of the row's limit (bench/limits.py) if it has one,
    # each requested right after one of the row's requests: ratios from the same moments,
    # whatever else the machine is doing.
    floor_samples: list[float] = field(default_factory=list)
    limit_samples: list[float] = field(default_factory=list)
    response_bytes: int = 0  # As sent (compressed when the server compresses it).
    # "server": each sample is one request's server time; "wall": a whole journey's wall
    # clock (requests, the task in the worker, the page asking again), with the queries
    # of the journey's requests.
    clock: str = "server"

    @property
    def median(self) -> float:
        return statistics.median(app for app, _, _ in self.samples)

    @property
    def p95(self) -> float:
        # Nearest rank: with 50 requests, the 48th fastest.
        ordered = sorted(app for app, _, _ in self.samples)
        return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor_samples) if self.floor_samples else None

    @property
    def limit_median(self) -> float | None:
        return statistics.median(self.limit_samples) if self.limit_samples else None

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


class Browser:
    """One visitor: a requests session with its cookies, talking to the bench server. It
    accepts gzip, as browsers do."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Accept-Encoding"] = "gzip"

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.base_url + path, allow_redirects=False, timeout=300, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        return self.session.post(
            self.base_url + path, data=data, allow_redirects=False, timeout=300, **kwargs
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


def sent_bytes(response: requests.Response) -> int:
    """The body's size on the wire: compressed when the server compressed it."""
    length = response.headers.get("Content-Length")
    return int(length) if length is not None else len(response.content)


_floor = None


def measure_floor_with(call) -> None:
    """From now on, each measured request is followed by a request of the floor (`call`),
    whose server time goes with the row's."""
    global _floor  # noqa: PLW0603 - one floor for the whole run
    _floor = call


def sample(
    row: Row,
    call,
    *,
    runs: int = REPEAT,
    warmup: int = WARMUP,
    expect=(200,),
    limit=None,
) -> Row:
    """Calls `call` `warmup` + `runs` times and keeps the server timing of the last `runs`
    responses; after each, calls `limit` (the same rows, raw) when given, and the floor."""
    for index in range(warmup + runs):
        response = call()
        if response.status_code not in expect:
            raise RuntimeError(f"{row.label}: {row.method} {row.path} {response.status_code}")
        limited = limit() if limit is not None else None
        floor = _floor() if _floor is not None else None
        if index >= warmup:
            row.samples.append(harness.server_timing(response))
            row.response_bytes = sent_bytes(response)
            if limited is not None:
                row.limit_samples.append(harness.server_timing(limited)[0])
            if floor is not None:
                row.floor_samples.append(harness.server_timing(floor)[0])
    print(f"  {row.label}: median {row.median:.1f} ms, {row.queries} queries", flush=True)
    return row


def pages(browser: Browser, section: str, entries: list[tuple], **targets) -> list[Row]:
    """GET rows: (label, path, target in ms or None), with `targets` (floor_ratio)."""
    return [
        sample(Row(section=section, label=label, path=path, target_ms=target, **targets),
               lambda p=path: browser.get(p))
        for label, path, target in entries
    ]  # fmt: skip
