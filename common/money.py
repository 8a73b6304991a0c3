"""Money, in one place for every app: amounts are `Decimal` rounded to the cent, half up,
as on an invoice, and written the French way."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def money(value: Decimal | int | str) -> Decimal:
    """Rounds to the cent, half up (0.005 → 0.01), as on an invoice. A float is refused:
    it cannot hold most cents exactly."""
    if isinstance(value, float):
        raise TypeError("money() takes a Decimal, an int or a str, never a float.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_euros(amount: Decimal | int) -> str:
    """« 1 234,56 € »: rounded with `money`, a narrow no-break space (U+202F) between
    thousands and a no-break space (U+00A0) before €. A negative amount keeps a plain
    leading "-" (« -12,00 € »): the same as the template filter, and parsed back by
    spreadsheets, unlike U+2212."""
    digits = f"{money(amount):,.2f}"
    return digits.replace(",", NARROW_NBSP).replace(".", ",") + f"{NBSP}€"
