"""The millésime rules of CESU, in one place.

Titles of millésime N are usable until 31 January N+1; the end of February N+1 is only
the deadline for the CRCESU to refund the intervenant, never a date to use them by.
Titles of millésime N can be ordered from 1 December N-1. So a delivery carries the
millésime of its year, and from 1 December a delivery in December may carry the next
millésime instead (the manager chooses on the recap); before 1 December nothing can be
delivered in the next year, since its millésime cannot be ordered yet. An order of the
current millésime delivered in December warns that its titles expire on 31 January.

Pure Python: no model, no database; `today` is always passed in by the caller. The
validity a Vintage row holds (staff may change it) is what pages print; `usable_until`
is its default.
"""

from datetime import date

NBSP = "\u00a0"


def usable_until(year: int) -> date:
    """The last day titles of millésime `year` can be used: 31 January of the next year."""
    return date(year + 1, 1, 31)


def orderable_from(year: int) -> date:
    """The first day titles of millésime `year` can be ordered: 1 December of the year
    before."""
    return date(year - 1, 12, 1)


def last_delivery_day(today: date) -> date | None:
    """The last delivery day this rule allows when ordering on `today`: 31 December of
    this year before 1 December (next year's millésime is not open yet); no limit from
    1 December on (None)."""
    if today < orderable_from(today.year + 1):
        return date(today.year, 12, 31)
    return None


def vintages_for(*, delivery: date, today: date) -> list[int]:
    """The millésimes an order placed on `today` for a delivery on `delivery` may carry,
    the default first: the delivery year's once it can be ordered, and for a December
    delivery ordered from 1 December, the next one too."""
    years = [delivery.year]
    if delivery.month == 12:
        years.append(delivery.year + 1)
    return [year for year in years if orderable_from(year) <= today]


def expires_soon(*, vintage: int, delivery: date) -> bool:
    """Whether titles of `vintage` delivered on `delivery` reach their bénéficiaires in
    December, two months at most before they expire: the recap warns then."""
    return delivery.year == vintage and delivery.month == 12


def not_open_message(year: int) -> str:
    """Why a delivery in `year` cannot be chosen yet."""
    opens = orderable_from(year)
    return (
        f"Le millésime {year} se commande à partir du 1er décembre {opens.year}{NBSP}: "
        f"choisissez une date de livraison au plus tard le 31 décembre {opens.year}."
    )
