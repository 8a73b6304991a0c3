"""French formats for every page, e-mail and PDF: « 1 234,56 € », « 50 % », phone
numbers, « 25 novembre 2026 à 10 h 00 »."""

from decimal import Decimal

from django import template

from ..formats import french_date, french_datetime
from ..money import format_euros
from ..phones import display_phone

register = template.Library()

NBSP = "\u00a0"


@register.filter
def euros(amount: Decimal | int | None) -> str:
    """« 1 234,56 € » (see common.money.format_euros)."""
    if amount is None or amount == "":
        return ""
    return format_euros(Decimal(amount))


@register.filter
def percent(value: Decimal | int | None) -> str:
    """« 50 % », « 12,5 % »: no useless trailing zeros, a no-break space before %."""
    if value is None or value == "":
        return ""
    number = f"{Decimal(value).normalize():f}".replace(".", ",")
    return f"{number}{NBSP}%"


register.filter("phone", display_phone)


@register.filter(name="date_fr")
def date_fr(value, style: str = "") -> str:
    """« 1er janvier 2027 », « 31 janvier 2027 »; `date_fr:"jour"` adds the day of the
    week, « vendredi 1er janvier 2027 » (see common.formats.french_date)."""
    return french_date(value, weekday=style == "jour") if value else ""


@register.filter(name="datetime_fr")
def datetime_fr(value) -> str:
    """« 25 novembre 2026 à 10 h 00 » in Paris time (see common.formats.french_datetime)."""
    return french_datetime(value) if value else ""
