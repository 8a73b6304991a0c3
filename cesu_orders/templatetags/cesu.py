"""French number formatting for the CESU pages: « 1 234,56 € », « 50 % »."""

from decimal import Decimal

from django import template

from common.phones import display_phone

register = template.Library()

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


@register.filter
def euros(amount: Decimal | int | None) -> str:
    """« 1 234,56 € »: two decimals, a narrow no-break space between thousands and a
    no-break space before the euro sign."""
    if amount is None or amount == "":
        return ""
    digits = f"{Decimal(amount):,.2f}"
    return digits.replace(",", NARROW_NBSP).replace(".", ",") + f"{NBSP}€"


@register.filter
def percent(value: Decimal | int | None) -> str:
    """« 50 % », « 12,5 % »: no useless trailing zeros, a no-break space before %."""
    if value is None or value == "":
        return ""
    number = f"{Decimal(value).normalize():f}".replace(".", ",")
    return f"{number}{NBSP}%"


register.filter("phone", display_phone)
