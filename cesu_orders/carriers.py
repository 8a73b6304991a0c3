"""The carriers staff ship paper booklets with, and the public tracking page of a parcel:
the « expédiée » e-mail and the order page link to it. Pure Python."""

import re
from urllib.parse import quote

from django.db import models


class Carrier(models.TextChoices):
    COLISSIMO = "colissimo", "Colissimo"
    CHRONOPOST = "chronopost", "Chronopost"
    OTHER = "other", "Autre transporteur"


# The carriers' public tracking pages; the number is URL-encoded into them.
TRACKING_URLS = {
    Carrier.COLISSIMO: "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    Carrier.CHRONOPOST: (
        "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={number}"
    ),
}

# Parcel numbers are letters and digits (Colissimo 6A12345678901, Chronopost
# XY123456789FR); staff often paste them with spaces.
TRACKING_NUMBER = re.compile(r"^[A-Z0-9]{8,30}$")


def normalize_tracking_number(text: str) -> str:
    """The number as the carriers print it: spaces and dashes removed, upper case."""
    return re.sub(r"[\s-]+", "", text or "").upper()


def is_valid_tracking_number(number: str) -> bool:
    return bool(TRACKING_NUMBER.match(number))


def tracking_url(carrier: str, number: str) -> str:
    """The carrier's tracking page for `number`, or "" for a carrier without one."""
    pattern = TRACKING_URLS.get(carrier)
    if not pattern or not number:
        return ""
    return pattern.format(number=quote(number, safe=""))
