from django.utils import formats, timezone


def french_datetime(value) -> str:
    """« 25 novembre 2026 à 10 h 00 », in the portal's time zone (Europe/Paris)."""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'j F Y')} à {local:%H}\u00a0h\u00a0{local:%M}"
