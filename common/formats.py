from django.utils import formats, timezone


def french_datetime(value) -> str:
    """« 25 novembre 2026 à 10 h 00 », in the portal's time zone (Europe/Paris)."""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'j F Y')} à {local:%H}\u00a0h\u00a0{local:%M}"


def french_date(value) -> str:
    """« 1er janvier 2027 », « 22 novembre 2026 »: the first of a month is « 1er »."""
    text = formats.date_format(value, "j F Y")
    return "1er" + text[1:] if value.day == 1 else text
