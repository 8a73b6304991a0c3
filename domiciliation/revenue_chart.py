"""The monthly recurring revenue chart of « Contrats »: thirteen bars (the first of each
of the last twelve months, then today) drawn as a small SVG by the server, no script,
with the same figures as a table for screen readers and a sentence saying the change
over twelve months."""

from dataclasses import dataclass
from decimal import Decimal

from common.formats import french_date
from common.money import format_euros

WIDTH, HEIGHT = 640, 200
TOP, BOTTOM, LEFT = 16, 36, 8
GAP = 8
NBSP = "\u00a0"


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str  # the axis label: « janv. », « auj. »
    when: str  # « 1er janvier 2027 », « Aujourd’hui »
    title: str  # the date and the amount, for the bar's tooltip
    amount: Decimal
    is_today: bool


# The usual French abbreviations (Django's "M" gives « Jui » for both June and July).
MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc."]  # fmt: skip


def _month(day) -> str:
    return MONTHS[day.month - 1]


def revenue_chart(points) -> dict:
    """The bars' geometry and the text alternative of `points` (RevenuePoint list)."""
    top = max((point.amount for point in points), default=Decimal("0")) or Decimal("1")
    plot = HEIGHT - TOP - BOTTOM
    width = (WIDTH - LEFT * 2 - GAP * (len(points) - 1)) // max(len(points), 1)
    bars = []
    for index, point in enumerate(points):
        height = int(plot * point.amount / top) if point.amount else 0
        last = index == len(points) - 1
        when = "Aujourd’hui" if last else french_date(point.day)
        bars.append(
            Bar(
                x=LEFT + index * (width + GAP),
                y=TOP + plot - height,
                width=width,
                height=height,
                label="auj." if last else _month(point.day),
                when=when,
                title=f"{when}{NBSP}: {format_euros(point.amount)} HT par mois",
                amount=point.amount,
                is_today=last,
            )
        )
    first, now = points[0].amount, points[-1].amount
    change = now - first
    if first:
        percent = (change * 100 / first).quantize(Decimal("1"))
        trend = f"{'+' if change >= 0 else ''}{percent}{NBSP}% en douze mois"
    else:
        trend = "aucun revenu récurrent il y a douze mois"
    sign = "+" if change >= 0 else ""
    summary = (
        f"Revenu mensuel récurrent aujourd’hui{NBSP}: {format_euros(now)} HT, contre "
        f"{format_euros(first)} HT le {french_date(points[0].day)} ({sign}"
        f"{format_euros(change)}{f'{NBSP}; {trend}' if first else ''})."
    )
    return {
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "label_y": HEIGHT - BOTTOM + 16,
        "baseline": HEIGHT - BOTTOM,
        "current": now,
        "change": change,
        "trend": trend,
        "summary": summary,
    }
