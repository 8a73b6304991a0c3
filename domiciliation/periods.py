"""The calendar of a running contract, in one place: billing periods and terms are
counted in whole months from the start date (the anchor), never from the previous date,
so that a contract started on the 31st is billed on the 30th of a 30-day month, the
28th or 29th of February, and the 31st again afterwards. Dates are Paris calendar days;
an end date is the last day included."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from common.money import money


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months, on the same day of the month or the
    month's last day when it is shorter (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_start(anchor: date, months: int, index: int) -> date:
    """The first day of the `index`-th period of `months` months (index 0 starts on the
    anchor)."""
    return add_months(anchor, months * index)


def period_bounds(anchor: date, months: int, index: int) -> tuple[date, date]:
    """(first day, last day) of the `index`-th period."""
    return (
        period_start(anchor, months, index),
        period_start(anchor, months, index + 1) - timedelta(days=1),
    )


def period_index_on(anchor: date, months: int, day: date) -> int:
    """The index of the period that contains `day` (0 before the anchor)."""
    index = max(0, ((day.year - anchor.year) * 12 + day.month - anchor.month) // months)
    while index > 0 and period_start(anchor, months, index) > day:
        index -= 1
    while period_start(anchor, months, index + 1) <= day:
        index += 1
    return index


def days(first: date, last: date) -> int:
    """The number of days from `first` to `last`, both included."""
    return (last - first).days + 1


def prorata(amount: Decimal, used_days: int, period_days: int) -> Decimal:
    """The share of `amount` for `used_days` of a period of `period_days`, to the cent."""
    if used_days >= period_days:
        return money(amount)
    return money(Decimal(amount) * used_days / period_days)


def first_term_end(anchor: date, term_months: int, not_before: date) -> date:
    """The last day of the first term (of `term_months`, counted from the anchor) that
    ends on or after `not_before`: where a contract renewed by tacit reconduction for
    terms of the same length can end."""
    index = 1
    while period_start(anchor, term_months, index) - timedelta(days=1) < not_before:
        index += 1
    return period_start(anchor, term_months, index) - timedelta(days=1)
