"""The business-day rules of CESU delivery, in one place.

A delivery (paper booklets) or a crediting (e-CESU) date must be a business day: not a
Saturday or Sunday, not a French public holiday (with Vendredi saint and 26 décembre in
Alsace-Moselle, départements 57, 67 and 68), not before the earliest date of the chosen
mode, at most three months ahead, and before 1 December not in the next year (its
millésime cannot be ordered yet: `vintages`). The order form's calendar, its server-side
check and the tests all call these functions. Pure Python: no model, no database. `today` is
always passed in by the caller (`django.utils.timezone.localdate()`, Europe/Paris) so
that the rules never read the clock themselves.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format

from common.formats import french_date

from . import vintages

NBSP = "\u00a0"


class TransportMode(models.TextChoices):
    STANDARD = "standard", "Standard (5 jours ouvrés)"
    EXPRESS = "express", "Express (4 jours ouvrés)"


# Business days between the order and the delivery of paper booklets, per transport mode.
TRANSPORT_DAYS = {TransportMode.STANDARD: 5, TransportMode.EXPRESS: 4}

# Business days between the order and the crediting of e-CESU accounts: the issuer
# credits once it has received the payment, which we allow two business days for.
ELECTRONIC_LEAD_DAYS = 2

# How far ahead a date may be chosen, in calendar months.
HORIZON_MONTHS = 3

# python-holidays subdivisions with the local law of Alsace-Moselle (Vendredi saint and
# Saint-Étienne): "57" is Moselle, "6AE" the Collectivité européenne d'Alsace (67, 68).
ALSACE_MOSELLE_SUBDIVISIONS = {"57": "57", "67": "6AE", "68": "6AE"}

# Short reasons a day cannot be chosen, read by screen readers in the calendar.
REASONS = {
    "weekend": "week-end",
    "holiday": "férié",
    "too_early": "trop tôt",
    "too_late": "trop tard",
}


def holidays_for(*, postcode: str | None, years: int | Iterable[int]) -> holidays.HolidayBase:
    """French public holidays, named in French, for the département of `postcode`:
    Alsace-Moselle's when it starts with 57, 67 or 68, the national ones otherwise
    (also for an empty or missing postcode). Years outside `years` are added on lookup."""
    department = (postcode or "").strip()[:2]
    return holidays.France(
        subdiv=ALSACE_MOSELLE_SUBDIVISIONS.get(department), years=years, language="fr"
    )


def holiday_name(holidays_: holidays.HolidayBase, day: date) -> str:
    """The holiday's French name with a typographic apostrophe (« Jour de l’an »: the
    library writes a straight one)."""
    return (holidays_.get(day) or "").replace("'", "’")


def is_business_day(day: date, *, postcode: str | None = None) -> bool:
    """A business day is a Monday to Friday that is not a public holiday at `postcode`."""
    return _is_business_day(day, holidays_for(postcode=postcode, years=day.year))


def add_business_days(start: date, days: int, *, postcode: str | None = None) -> date:
    """The `days`-th business day after `start`, counting from the day after `start`
    (`start` itself never counts, even when it is a business day)."""
    return _add_business_days(start, days, holidays_for(postcode=postcode, years=start.year))


def earliest_delivery_date(
    *, today: date, mode: str | None, electronic: bool = False, postcode: str | None = None
) -> date:
    """The first date that can be chosen when ordering on `today`: `ELECTRONIC_LEAD_DAYS`
    business days later for an e-CESU crediting (`mode` is then ignored), the business
    days of the transport mode (`TRANSPORT_DAYS`) later for a paper delivery."""
    public_holidays = holidays_for(postcode=postcode, years=today.year)
    return _add_business_days(today, _lead_days(mode=mode, electronic=electronic), public_holidays)


def horizon_date(*, today: date) -> date:
    """`HORIZON_MONTHS` months after `today`, the day clamped to the end of a shorter
    month (30 November → 28 or 29 February)."""
    months = today.month - 1 + HORIZON_MONTHS
    year, month = today.year + months // 12, months % 12 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def latest_delivery_date(*, today: date) -> date:
    """The last date that can be chosen: the horizon, and before 1 December no later
    than 31 December, since next year's millésime cannot be ordered yet
    (`vintages.last_delivery_day`)."""
    horizon = horizon_date(today=today)
    millesime_limit = vintages.last_delivery_day(today)
    return min(horizon, millesime_limit) if millesime_limit else horizon


def check_delivery_date(
    day: date,
    *,
    today: date,
    mode: str | None,
    electronic: bool = False,
    postcode: str | None = None,
) -> None:
    """Refuses a date that the calendar would not offer, with a French message saying
    why: a weekend, a public holiday, before the earliest or after the latest date."""
    bounds = _Bounds.build(today=today, mode=mode, electronic=electronic, postcode=postcode)
    refusal = bounds.refusal(day)
    if refusal == "weekend":
        message = (
            f"Le {format_day(day)} est un {date_format(day, 'l')}{NBSP}: choisissez un jour ouvré."
        )
    elif refusal == "holiday":
        message = (
            f"Le {format_day(day)} est férié ({holiday_name(bounds.holidays, day)}){NBSP}: "
            "choisissez un jour ouvré."
        )
    elif refusal == "too_early":
        message = f"La livraison la plus proche possible est le {format_day(bounds.earliest)}."
    elif refusal == "too_late" and bounds.latest < horizon_date(today=today):
        message = vintages.not_open_message(bounds.latest.year + 1)
    elif refusal == "too_late":
        message = f"Choisissez une date au plus tard le {format_day(bounds.latest)}."
    else:
        return
    raise ValidationError(message, code=refusal)


def format_day(day: date, *, weekday: bool = False) -> str:
    """« 22 novembre 2026 », « 1er mai 2026 » (French writes the first of the month as an
    ordinal); with `weekday`, « lundi 30 novembre 2026 »."""
    return french_date(day, weekday=weekday)


# The calendar


@dataclass(frozen=True, kw_only=True)
class Cell:
    """One square of the calendar: `date` is None for the padding before the first and
    after the last day of the month; `reason` says why a day cannot be chosen."""

    date: date | None
    selectable: bool = False
    selected: bool = False
    reason: str = ""

    @property
    def label(self) -> str:
        """The day as a screen reader announces it: « lundi 30 novembre 2026 »."""
        return format_day(self.date, weekday=True) if self.date else ""


@dataclass(frozen=True, kw_only=True)
class Month:
    title: str
    weeks: list[list[Cell]]


def calendar_months(
    *,
    today: date,
    mode: str | None,
    electronic: bool = False,
    postcode: str | None = None,
    selected: date | None = None,
) -> list[Month]:
    """The months from `today`'s to the latest date's, as weeks of seven cells from
    Monday to Sunday, each day marked selectable (or why not) by the same rules as
    `check_delivery_date`, and `selected` marked as chosen."""
    bounds = _Bounds.build(today=today, mode=mode, electronic=electronic, postcode=postcode)
    months = []
    year, month = today.year, today.month
    while (year, month) <= (bounds.latest.year, bounds.latest.month):
        months.append(_month(year, month, bounds=bounds, selected=selected))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month(year: int, month: int, *, bounds: "_Bounds", selected: date | None) -> Month:
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    return Month(
        title=date_format(date(year, month, 1), "F Y"),
        weeks=[
            [
                _cell(day, bounds=bounds, selected=selected)
                if day.month == month
                else Cell(date=None)
                for day in week
            ]
            for week in weeks
        ],
    )


def _cell(day: date, *, bounds: "_Bounds", selected: date | None) -> Cell:
    refusal = bounds.refusal(day)
    return Cell(
        date=day,
        selectable=refusal is None,
        selected=refusal is None and day == selected,
        reason=REASONS.get(refusal, ""),
    )


# Shared by the check and the calendar so that they cannot disagree


@dataclass(frozen=True, kw_only=True)
class _Bounds:
    earliest: date
    latest: date
    holidays: holidays.HolidayBase

    @classmethod
    def build(
        cls, *, today: date, mode: str | None, electronic: bool, postcode: str | None
    ) -> "_Bounds":
        public_holidays = holidays_for(postcode=postcode, years=today.year)
        lead_days = _lead_days(mode=mode, electronic=electronic)
        return cls(
            earliest=_add_business_days(today, lead_days, public_holidays),
            latest=latest_delivery_date(today=today),
            holidays=public_holidays,
        )

    def refusal(self, day: date) -> str | None:
        """Why `day` cannot be chosen (a key of `REASONS`), or None when it can."""
        if _is_weekend(day):
            return "weekend"
        if day in self.holidays:
            return "holiday"
        if day < self.earliest:
            return "too_early"
        if day > self.latest:
            return "too_late"
        return None


def _lead_days(*, mode: str | None, electronic: bool) -> int:
    if electronic:
        return ELECTRONIC_LEAD_DAYS
    return TRANSPORT_DAYS[TransportMode(mode)]


def _is_weekend(day: date) -> bool:
    return day.weekday() >= calendar.SATURDAY


def _is_business_day(day: date, public_holidays: holidays.HolidayBase) -> bool:
    return not _is_weekend(day) and day not in public_holidays


def _add_business_days(start: date, days: int, public_holidays: holidays.HolidayBase) -> date:
    day = start
    for _ in range(days):
        day += timedelta(days=1)
        while not _is_business_day(day, public_holidays):
            day += timedelta(days=1)
    return day
