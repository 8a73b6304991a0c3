"""`make bench`'s report: bench/results/latest.md (each target met or missed, by how
much, and every page's figures) and latest.png (server time against data size, and the
key pages against their targets)."""

import dataclasses
import json
import re
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sampling import REPEAT, WARMUP, Row  # noqa: E402
from bench.scenarios import LIMIT_RATIO, SIZES, table_target  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
NOTES = RESULTS / "notes.md"
RAW = RESULTS / "latest.json"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Report:
    def __init__(self, rows: list[Row], floor: Row, context: dict):
        self.rows, self.floor, self.context = rows, floor, context

    def floor_of(self, row: Row) -> float:
        """The floor measured between the row's own requests, else the floor row's."""
        return row.floor_median or self.floor.median

    def verdicts(self, row: Row) -> list[tuple[bool, str]]:
        """(met, what) for each target of `row`."""
        found = []
        if row.target_ms is not None:
            found.append((row.median < row.target_ms, f"< {row.target_ms:,.0f} ms"))
        if row.floor_ratio is not None:
            ratio = row.median / self.floor_of(row)
            found.append((ratio <= row.floor_ratio, f"≤ {row.floor_ratio:g}× floor"))
        if row.limit_median is not None and row.limit_target:
            ratio = row.median / row.limit_median
            found.append((ratio <= LIMIT_RATIO, f"≤ {LIMIT_RATIO}× limit"))
        return found

    def verdict_text(self, row: Row) -> str:
        parts = []
        for met, what in self.verdicts(row):
            parts.append(f"{what}: {'met' if met else '**missed**'}")
        return "; ".join(parts)


def _shown(path: str) -> str:
    return UUID.sub("<id>", path)


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.1f}"


def _series(rows: list[Row]) -> dict[str, list[tuple[int, float]]]:
    """Each size-dependent page's (size, median), and its limit's as « limit: <page> »."""
    found: dict[str, list[tuple[int, float]]] = {}
    for row in (r for r in rows if r.series):
        found.setdefault(row.series, []).append((row.size, row.median))
        if row.limit_median is not None:
            found.setdefault(f"limit: {row.series}", []).append((row.size, row.limit_median))
    return {name: sorted(points) for name, points in found.items()}


def growth(rows: list[Row]) -> list[tuple[str, str]]:
    """Per series: the cost of one more row (µs) between each pair of sizes measured."""
    found = []
    for series, points in _series(rows).items():
        if len(points) < 2:
            continue
        steps = [
            f"{(t2 - t1) * 1000 / (n2 - n1):.0f} µs/row ({n1:,}→{n2:,})"
            for (n1, t1), (n2, t2) in zip(points, points[1:], strict=False)
        ]
        found.append((series, ", ".join(steps)))
    return found


def write_markdown(report: Report, notes: str) -> str:
    rows, floor, context = report.rows, report.floor, report.context
    targeted = [r for r in rows if report.verdicts(r)]
    missed = [r for r in targeted if not all(met for met, _ in report.verdicts(r))]
    lines = [
        "# Benchmarks",
        "",
        f"Run of {context['date']} on {context['machine']}: PostgreSQL (dedicated database), "
        "gunicorn with 2 sync workers on 127.0.0.1 (`config/gunicorn.py`: `gc.freeze()` once "
        "a worker has loaded the portal), settings `bench.settings` (`config.settings.local` "
        "with the Server-Timing probe), `DJANGO_DEBUG=false`, persistent database "
        "connections (`DATABASE_CONN_MAX_AGE=60`), responses compressed as in production, "
        "Redis as broker and cache: the pages queue their tasks and no worker runs while "
        "they are measured (as on a web node); a Celery worker runs for the section of work "
        "done by tasks (an import's check, the « Récapitulatif PDF »), whose times are the "
        "wall clock of the whole journey. Seeded in "
        f"{context['seed_seconds']:.0f} s.",
        "",
        "**Server time** is Django's handling of one request, measured by "
        "`bench.middleware.ServerTimingMiddleware` (first middleware, so compression "
        "included) and read from the `Server-Timing` header; the network round trip is not "
        f"included. Each page: {WARMUP} warm-up requests, then {REPEAT} measured (others: "
        "as stated in *runs*). p95: nearest rank. **× floor**: median over the median of "
        "the floor, the base layout of a logged-in user through the same middleware stack "
        f"(`{floor.path}`; {floor.median:.1f} ms and {floor.queries} queries on its own), "
        "requested right after each of the page's requests: both are measured at the same "
        "moments of a shared machine. **Limit (ms)**, **× limit**: likewise, the same rows "
        "fetched raw and written by bare f-strings in the floor's layout "
        "(`bench/limits.py`), requested right after each of the page's requests. "
        "**Queries**: SQL queries per request, counted with `connection.execute_wrapper`; a "
        "range in brackets means some requests ran one more (the session's activity stamp, "
        "written at most once a minute). **Size**: the body as sent (gzip).",
        "",
        "## Targets",
        "",
        f"**{len(targeted) - len(missed)} of {len(targeted)} pages meet every target.**",
        "",
    ]
    if missed:
        lines.append("Missed:")
        lines += [
            f"- {r.label}: median {r.median:,.0f} ms; {report.verdict_text(r)}." for r in missed
        ]
        lines.append("")
    lines.append("A constant number of queries whatever the data size:")
    for series in dict.fromkeys(r.series for r in rows if r.series):
        counts = [(r.size, r.queries) for r in rows if r.series == series]
        constant = len({count for _, count in counts}) == 1
        shown = ", ".join(f"{count} at {size:,}" for size, count in counts)
        lines.append(f"- {series}: {shown}: **{'met' if constant else 'missed'}**.")
    lines += ["", "What one more row costs (median, between the sizes measured):", ""]
    lines += [f"- {series}: {steps}." for series, steps in growth(rows)]
    lines += ["", notes.strip(), "", "![Server time versus data size](latest.png)", ""]
    header = [
        "| page | path | runs | median (ms) | p95 (ms) | SQL (ms) | × floor | limit (ms) | "
        "× limit | queries | size (bytes) | targets |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for section in dict.fromkeys(row.section for row in rows):
        lines += [f"## {section}", "", *header]
        for row in (r for r in rows if r.section == section):
            wall = " (wall clock)" if row.clock == "wall" else ""
            limit = row.limit_median
            lines.append(
                f"| {row.label} | `{row.method + ' ' if row.method != 'GET' else ''}"
                f"{_shown(row.path)}` | {len(row.samples)} | {row.median:,.1f}{wall} | "
                f"{row.p95:,.1f} | {row.sql_median:,.1f} | "
                f"{_ratio(row.median, report.floor_of(row))} | "
                f"{f'{limit:,.1f}' if limit else ''} | "
                f"{_ratio(row.median, limit) if limit else ''} | "
                f"{row.queries}{row.query_note} | {row.response_bytes:,} | "
                f"{report.verdict_text(row)} |"
            )
        lines.append("")
    text = "\n".join(lines)
    (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    return text


def write_chart(report: Report) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, floor, context = report.rows, report.floor, report.context
    figure, (sizes, key) = plt.subplots(
        1, 2, figsize=(15, 7.5), gridspec_kw={"width_ratios": [1, 1.15]}
    )
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    series = _series(rows)
    for colour, name in zip(colours, [n for n in series if n in _CHARTED], strict=False):
        for label, style in ((name, "o-"), (f"limit: {name}", "o:")):
            if label in series:
                x, y = zip(*series[label], strict=True)
                sizes.plot(x, y, style, color=colour, label=label)
    for value, text in ((table_target(SIZES[-1]), "order table target at 10,000"),
                        (table_target(SIZES[0]), "order table target at 2,000"),
                        (floor.median, "floor")):  # fmt: skip
        sizes.axhline(value, color="grey", linestyle=":", linewidth=1)
        sizes.annotate(f"{text} ({value:.0f} ms)" if value >= 10 else f"{text} ({value:.1f} ms)",
                       (SIZES[-1], value), textcoords="offset points", xytext=(0, 3),
                       fontsize=8, color="dimgrey", ha="right")  # fmt: skip
    sizes.set(xscale="log", yscale="log", xticks=SIZES, xlabel="bénéficiaires of the financeur",
              ylabel="server time (ms, log scale)",
              title="CESU pages and their limit (dotted) versus data size")  # fmt: skip
    sizes.set_xticklabels([f"{size:,}" for size in SIZES])
    sizes.grid(True, which="both", alpha=0.2)
    sizes.legend(fontsize=8, loc="upper left")

    targeted = [r for r in rows if report.verdicts(r) and r.size in (None, 2000, 10000)]
    y = range(len(targeted))
    key.barh(y, [r.median for r in targeted], color=[
        colours[2] if all(met for met, _ in report.verdicts(r)) else colours[3] for r in targeted
    ], label="median")  # fmt: skip
    key.scatter([r.p95 for r in targeted], y, marker="|", s=200, color="black", label="p95")
    bounds = [_bound(report, r) for r in targeted]
    key.scatter(bounds, y, marker="x", color="grey", label="tightest target")
    key.set_yticks(list(y), [r.label for r in targeted], fontsize=7)
    key.invert_yaxis()
    key.set(xscale="log", xlabel="server time (ms, log scale)",
            title="Pages with a target (red: a target missed)")  # fmt: skip
    key.grid(True, axis="x", which="both", alpha=0.2)
    key.legend(fontsize=8, loc="lower right")
    figure.suptitle(f"make bench, {context['date']}, {context['machine']}", fontsize=10)
    figure.tight_layout()
    figure.savefig(RESULTS / "latest.png", dpi=110)


_CHARTED = ["order table", "order table, saved cart", "cart save", "recap", "bénéficiaires"]


def _bound(report: Report, row: Row) -> float:
    """The tightest of the row's targets, in ms."""
    bounds = []
    if row.target_ms is not None:
        bounds.append(row.target_ms)
    if row.floor_ratio is not None:
        bounds.append(row.floor_ratio * report.floor_of(row))
    if row.limit_median is not None and row.limit_target:
        bounds.append(LIMIT_RATIO * row.limit_median)
    return min(bounds)


def save(rows: list[Row], context: dict) -> None:
    """The run's raw figures, so that the report can be written again (with new notes)
    without running the bench again: `python bench/report.py`."""
    data = {"context": context, "rows": [dataclasses.asdict(row) for row in rows]}
    RAW.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def publish(rows: list[Row], context: dict) -> str:
    """Writes latest.md (with notes.md) and latest.png; returns the markdown."""
    floor = next(row for row in rows if row.section == "Floor")
    results = Report(rows, floor, context)
    notes = NOTES.read_text(encoding="utf-8") if NOTES.exists() else ""
    text = write_markdown(results, notes)
    write_chart(results)
    return text


def main() -> None:
    data = json.loads(RAW.read_text(encoding="utf-8"))
    rows = [Row(**{**row, "samples": [tuple(s) for s in row["samples"]]}) for row in data["rows"]]
    print(publish(rows, data["context"]))


if __name__ == "__main__":
    main()
