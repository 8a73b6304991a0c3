from uuid import UUID

from django.core.exceptions import ValidationError
from stdnum.fr import siren, siret


def validate_siret(value: str) -> None:
    """14 digits with a valid checksum (python-stdnum)."""
    if not siret.is_valid(value):
        raise ValidationError("Saisissez un numéro SIRET valide (14 chiffres).", code="siret")


def validate_siren(value: str) -> None:
    """9 digits with a valid checksum (python-stdnum)."""
    if not siren.is_valid(value):
        raise ValidationError("Saisissez un numéro SIREN valide (9 chiffres).", code="siren")


def uuid_or_none(value) -> UUID | None:
    """A UUID read from user input (a form field, a webhook), or None if it is not one."""
    try:
        return UUID(str(value))
    except ValueError:
        return None
