"""The declarations a domiciliataire owes the tax office (SIE) and URSSAF (Code de
commerce R123-168): each quarter, the companies whose domiciliation began or ended in
the quarter; before 15 January, the companies domiciled on 1 January. This module holds
the calendar rule alone: which periods exist, when a list may be sent (once its period
is over), its deadline and the days the admins are reminded.

The law dates the annual list (« avant le 15 janvier ») but not the quarterly one; the
portal asks for it by the same rule, before the 15th of the month after the quarter
(docs/decisions/0009-declaration-deadlines.md)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

NBSP = "\u00a0"

# Days before a deadline the admins are reminded, each once.
REMINDER_DAYS = (15, 3)
# How far back the page lists periods (the retention of the client files).
HISTORY_YEARS = 6

QUARTERLY = "trimestre"
ANNUAL = "annuelle"

_CODE = re.compile(
    r"^(?:(?P<annual>annuelle)-(?P<ayear>\d{4})|trimestre-(?P<year>\d{4})-(?P<q>[1-4]))$"
)


@dataclass(frozen=True, order=True)
class Period:
    """A quarter (quarter 1 to 4) or a 1 January list (quarter 0) of `year`."""

    year: int
    quarter: int

    @property
    def is_annual(self) -> bool:
        return self.quarter == 0

    @property
    def kind(self) -> str:
        return ANNUAL if self.is_annual else QUARTERLY

    @property
    def code(self) -> str:
        """What the URL carries: trimestre-2026-3, annuelle-2027."""
        return (
            f"{ANNUAL}-{self.year}" if self.is_annual else f"{QUARTERLY}-{self.year}-{self.quarter}"
        )

    @property
    def start(self) -> date:
        """The first day the list covers (the 1 January list: that day only)."""
        if self.is_annual:
            return date(self.year, 1, 1)
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        if self.is_annual:
            return date(self.year, 1, 1)
        if self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    @property
    def available_on(self) -> date:
        """The first day the list may be built and sent: the day after the quarter, or
        1 January itself."""
        return self.start if self.is_annual else self.end + timedelta(days=1)

    @property
    def deadline(self) -> date:
        """The list must be sent before this day (the 15th after the period)."""
        return self.available_on.replace(day=15)

    @property
    def last_day(self) -> date:
        """The last day it may be sent in time."""
        return self.deadline - timedelta(days=1)

    @property
    def label(self) -> str:
        if self.is_annual:
            return f"Liste annuelle des domiciliés au 1er{NBSP}janvier {self.year}"
        ordinal = "1er" if self.quarter == 1 else f"{self.quarter}e"
        return f"Liste du {ordinal}{NBSP}trimestre {self.year}"

    @property
    def short_label(self) -> str:
        if self.is_annual:
            return f"1er{NBSP}janvier {self.year}"
        return f"T{self.quarter} {self.year}"

    @property
    def recipients(self) -> str:
        return "Service des impôts des entreprises (SIE) et URSSAF"

    def is_available(self, today: date) -> bool:
        return today >= self.available_on

    def is_overdue(self, today: date) -> bool:
        return today >= self.deadline

    def reminder_days(self) -> list[tuple[int, date]]:
        """(days before, day) of each reminder."""
        return [(days, self.deadline - timedelta(days=days)) for days in REMINDER_DAYS]


def parse_period(code: str) -> Period | None:
    match = _CODE.match(code or "")
    if match is None:
        return None
    if match["annual"]:
        return Period(int(match["ayear"]), 0)
    return Period(int(match["year"]), int(match["q"]))


def periods_between(first: date, today: date) -> list[Period]:
    """Every period available on `today` whose list may name something that happened on
    or after `first` (a provider's first contract), newest deadline first, at most
    HISTORY_YEARS back."""
    first = max(first, date(today.year - HISTORY_YEARS, 1, 1))
    periods = []
    for year in range(first.year, today.year + 1):
        periods.append(Period(year, 0))
        periods.extend(Period(year, quarter) for quarter in range(1, 5))
    return sorted(
        (p for p in periods if p.is_available(today) and p.end >= first and
         (not p.is_annual or p.start >= first)),
        key=lambda p: (p.deadline, p.quarter == 0),
        reverse=True,
    )  # fmt: skip


def periods_with_deadline_within(today: date, days: int) -> list[Period]:
    """The periods whose deadline falls in the next `days` days (today excluded from
    none: a deadline today is past)."""
    candidates = []
    for year in (today.year, today.year + 1):
        candidates.append(Period(year, 0))
        candidates.extend(Period(year, quarter) for quarter in range(1, 5))
        candidates.append(Period(year - 1, 4))
    return sorted({p for p in candidates if today < p.deadline <= today + timedelta(days=days)})
