from django.utils import formats, timezone


def french_date(value, *, weekday: bool = False) -> str:
    """« 22 novembre 2026 », « 1er mai 2026 » (French writes the first of the month as an
    ordinal); with `weekday`, « lundi 30 novembre 2026 ». A datetime is read in Paris
    time."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    text = formats.date_format(value, "j F Y")
    if value.day == 1:
        text = text.replace("1", "1er", 1)
    return f"{formats.date_format(value, 'l')} {text}" if weekday else text


def french_datetime(value) -> str:
    """« 25 novembre 2026 à 10 h 00 », in the portal's time zone (Europe/Paris)."""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'j F Y')} à {local:%H}\u00a0h\u00a0{local:%M}"
