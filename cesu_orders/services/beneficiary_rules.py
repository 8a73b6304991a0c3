"""The rules on a bénéficiaire's data, in one place: the bénéficiaire form
(forms/beneficiaries.py) checks one bénéficiaire with them, the import
(services/beneficiary_import.py) thousands of spreadsheet rows, with the catalogue and the
employee numbers already taken read once per file, never once per row.

Each rule is a function that returns the French message of what is wrong, or None.
`check_row` applies all of them to a row of text cells."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import Organization
from common.phones import normalize_phone
from common.text import fold

from ..models import Beneficiary, VoucherFormat
from ..selectors import Catalogue, employee_numbers_taken
from .beneficiaries import EMPLOYEE_NUMBER_TAKEN

REQUIRED = "Ce champ est obligatoire."
NOT_A_NUMBER = "Saisissez un nombre."
NOT_A_WHOLE_NUMBER = "Saisissez un nombre entier."
FACE_VALUE = "Choisissez une valeur faciale proposée au catalogue."
EMPLOYER_SHARE = "La part patronale est un pourcentage entre 0 et 100."
EMPLOYER_SHARE_CENTS = "La part patronale a au plus deux chiffres après la virgule."
BOOKLET_SIZE = "Choisissez un nombre de titres par carnet proposé."
POSTCODE = "Saisissez un code postal à cinq chiffres."
E_CESU_EMAIL = "L’adresse e-mail est obligatoire pour les e-CESU."
MIN_BOOKLETS, MAX_BOOKLETS = 0, 100
CENT = Decimal("0.01")
POSTCODE_PATTERN = re.compile(r"^\d{5}$")


# One rule each, for the form and the import


def face_value_error(value: Decimal, catalogue: Catalogue) -> str | None:
    return None if value in catalogue.face_values else FACE_VALUE


def employer_share_error(value: Decimal) -> str | None:
    if not Decimal(0) <= value <= Decimal(100):
        return EMPLOYER_SHARE
    return None if value == value.quantize(CENT) else EMPLOYER_SHARE_CENTS


def booklet_size_error(value: int, catalogue: Catalogue) -> str | None:
    return None if value in catalogue.booklet_sizes else BOOKLET_SIZE


def booklets_error(value: int) -> str | None:
    if value < MIN_BOOKLETS:
        return f"Assurez-vous que cette valeur est supérieure ou égale à {MIN_BOOKLETS}."
    if value > MAX_BOOKLETS:
        return f"Assurez-vous que cette valeur est inférieure ou égale à {MAX_BOOKLETS}."
    return None


def postcode_error(value: str) -> str | None:
    return None if not value or POSTCODE_PATTERN.match(value) else POSTCODE


def employee_number_error(owner: int | None, *, pk: int | None) -> str | None:
    """An employee number is one bénéficiaire's within the financeur: `owner`, the id of
    the bénéficiaire that has it already (if any), must be `pk`, the one being saved."""
    return EMPLOYEE_NUMBER_TAKEN if owner is not None and owner != pk else None


def electronic_email_error(voucher_format: str, email: str) -> str | None:
    return E_CESU_EMAIL if voucher_format == VoucherFormat.ELECTRONIC and not email else None


# Many rows at once


@dataclass(frozen=True)
class RowRules:
    """What checking a file's rows needs, read once: the catalogue, the active usage
    categories by code and label (folded), and the employee numbers already taken."""

    catalogue: Catalogue
    categories: dict[str, int]
    taken: dict[str, int]

    @classmethod
    def load(cls, organization: Organization) -> "RowRules":
        catalogue = Catalogue.load()
        return cls(
            catalogue=catalogue,
            categories={
                fold(key): category.pk
                for category in catalogue.categories.values()
                for key in (category.code, category.label)
            },
            taken=employee_numbers_taken(organization),
        )


# Text fields: their maximum length is the model's.
TEXT_FIELDS = ("last_name", "first_name", "address", "city", "employee_number")
MAX_LENGTHS = {name: Beneficiary._meta.get_field(name).max_length for name in TEXT_FIELDS}
REQUIRED_FIELDS = ("civility", "last_name", "first_name")


def check_row(cells: dict[str, object], rules: RowRules, *, pk: int | None) -> dict[str, str]:
    """Checks and converts, in place, a row's values by field name (text as typed; a date,
    an id or a choice where the reader could already tell, `usual_usage_category_id`
    for the category); returns the message of each field in error. `pk`: the
    bénéficiaire the row updates, if any."""
    errors = {}
    for name in REQUIRED_FIELDS:
        if not cells.get(name):
            errors[name] = REQUIRED
    for name in TEXT_FIELDS:
        value = cells.get(name) or ""
        if len(value) > MAX_LENGTHS[name]:
            errors[name] = (
                f"Assurez-vous que cette valeur comporte au plus {MAX_LENGTHS[name]} "
                f"caractères (actuellement {len(value)})."
            )
    email = cells.get("email") or ""
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            errors["email"] = " ".join(error.messages)
    phone = cells.get("mobile_phone") or ""
    if phone:
        try:
            cells["mobile_phone"] = normalize_phone(phone, mobile=True)
        except ValidationError as error:
            errors["mobile_phone"] = " ".join(error.messages)
    if message := postcode_error(cells.get("postcode") or ""):
        errors["postcode"] = message
    number = cells.get("employee_number") or None
    cells["employee_number"] = number
    taken = rules.taken.get(number) if number and "employee_number" not in errors else None
    if message := employee_number_error(taken, pk=pk):
        errors["employee_number"] = message
    catalogue = rules.catalogue
    face_value = _decimal(cells, "usual_face_value", errors)
    if face_value is not None and (message := face_value_error(face_value, catalogue)):
        errors["usual_face_value"] = message
    share = _decimal(cells, "usual_employer_share", errors)
    if share is not None and (message := employer_share_error(share)):
        errors["usual_employer_share"] = message
    booklets = _integer(cells, "usual_booklets", errors)
    if booklets is not None and (message := booklets_error(booklets)):
        errors["usual_booklets"] = message
    size = _integer(cells, "usual_vouchers_per_booklet", errors)
    if size is not None and (message := booklet_size_error(size, catalogue)):
        errors["usual_vouchers_per_booklet"] = message
    if not cells.get("usual_usage_category_id"):
        errors["usual_usage_category"] = REQUIRED
    if not cells.get("usual_format"):
        errors["usual_format"] = REQUIRED
    if "email" not in errors and (message := electronic_email_error(cells["usual_format"], email)):
        errors["email"] = message
    return errors


def _decimal(cells: dict, name: str, errors: dict) -> Decimal | None:
    value = cells.get(name)
    if isinstance(value, Decimal):
        return value
    if not value:
        errors[name] = REQUIRED
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors[name] = NOT_A_NUMBER
        return None
    cells[name] = number
    return number


def _integer(cells: dict, name: str, errors: dict) -> int | None:
    value = cells.get(name)
    if isinstance(value, int):
        return value
    if not value:
        errors[name] = REQUIRED
        return None
    text = value.strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 6:
        errors[name] = NOT_A_WHOLE_NUMBER
        return None
    cells[name] = int(text)
    return cells[name]
