from datetime import datetime

from django.utils import formats, timezone


def french_date(value, *, weekday: bool = False) -> str:
    """« 22 novembre 2026 », « 1er janvier 2027 »: French writes the first of the month
    as an ordinal; with `weekday`, « mardi 1er décembre 2026 ». A datetime is read in the
    portal's time zone (Europe/Paris)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {formats.date_format(value, 'F Y')}"
    return f"{formats.date_format(value, 'l')} {text}" if weekday else text


def french_datetime(value) -> str:
    """« 25 novembre 2026 à 10 h 00 », in the portal's time zone (Europe/Paris)."""
    local = timezone.localtime(value)
    return f"{french_date(local)} à {local:%H}\u00a0h\u00a0{local:%M}"
