"""The input of « Importer des bénéficiaires »: the upload form, and each row of the file
(read by forms/beneficiary_file.py) turned into BeneficiaryForm data and checked by
BeneficiaryForm's rules. Writes nothing: services/beneficiary_import.py previews and
writes."""

import datetime
import re

from django import forms
from django.forms.models import model_to_dict

from accounts.models import Organization
from common.text import fold

from ..models import Beneficiary, VoucherFormat
from ..selectors import active_usage_categories, beneficiaries_by_employee_number
from .beneficiaries import BeneficiaryForm, Catalogue
from .beneficiary_file import COLUMN_BY_FIELD, COLUMNS, FIELDS, ImportRow

ROW_COLUMN = "ligne"

CIVILITIES = {
    "madame": Beneficiary.Civility.MADAME,
    "mme": Beneficiary.Civility.MADAME,
    "monsieur": Beneficiary.Civility.MONSIEUR,
    "m": Beneficiary.Civility.MONSIEUR,
    "mr": Beneficiary.Civility.MONSIEUR,
}
FORMATS = {
    "papier": VoucherFormat.PAPER,
    "paper": VoucherFormat.PAPER,
    "e-cesu": VoucherFormat.ELECTRONIC,
    "ecesu": VoucherFormat.ELECTRONIC,
    "electronique": VoucherFormat.ELECTRONIC,
    "electronic": VoucherFormat.ELECTRONIC,
}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


ACCEPTED_TYPES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class BeneficiaryImportForm(forms.Form):
    """The upload only: what the file contains is checked by the import service."""

    file = forms.FileField(
        label="Fichier CSV ou Excel (.xlsx)",
        help_text="Une ligne d’en-tête avec les colonnes ci-dessous, puis une ligne par "
        "bénéficiaire. CSV séparé par des points-virgules ou des virgules, 5\u00a0Mo au "
        "plus.",
        widget=forms.FileInput(attrs={"accept": ACCEPTED_TYPES}),
    )


class BeneficiaryRowValidator:
    """BeneficiaryForm's rules for many rows at once: the catalogue and the employee
    numbers already taken are read once per file, not once per row."""

    def __init__(self, *, organization):
        self.organization = organization
        self.catalogue = Catalogue.load()
        self.taken_employee_numbers = dict(
            Beneficiary.objects.for_organization(organization)
            .exclude(employee_number=None)
            .values_list("employee_number", "pk")
        )

    def validate(self, data: dict, *, instance: Beneficiary | None) -> BeneficiaryForm:
        form = BeneficiaryForm(
            data,
            organization=self.organization,
            instance=instance,
            catalogue=self.catalogue,
            taken_employee_numbers=self.taken_employee_numbers,
        )
        form.is_valid()
        return form


# Checking the rows


def beneficiary_rows_check(organization: Organization, rows: list[ImportRow]) -> None:
    """Sets each row's `instance` (a new bénéficiaire, or the one of `organization` with
    the same matricule, changed and not saved) or its `errors` by column."""
    numbers = {row.values.get("matricule", "") for row in rows} - {""}
    existing = beneficiaries_by_employee_number(organization, numbers)
    categories = _categories_by_key()
    duplicates = _duplicate_employee_numbers(rows)
    validator = BeneficiaryRowValidator(organization=organization)
    for row in rows:
        number = row.values.get("matricule", "")
        form_data, errors = _form_data(row, existing.get(number), categories)
        form = validator.validate(form_data, instance=existing.get(number))
        row.instance = form.instance
        for name, messages in form.errors.items():
            row.errors[COLUMN_BY_FIELD.get(name, ROW_COLUMN)] = " ".join(messages)
        row.errors.update(errors)
        if number in duplicates:
            row.errors["matricule"] = (
                "Ce matricule figure sur plusieurs lignes du fichier\u00a0: "
                f"lignes {', '.join(map(str, duplicates[number]))}."
            )
        if row.errors:
            row.instance = None


def _categories_by_key() -> dict[str, int]:
    categories = active_usage_categories()
    return {
        fold(key): category.pk for category in categories for key in (category.code, category.label)
    }


def _duplicate_employee_numbers(rows) -> dict[str, list[int]]:
    lines: dict[str, list[int]] = {}
    for row in rows:
        number = row.values.get("matricule", "")
        if number:
            lines.setdefault(number, []).append(row.line)
    return {number: found for number, found in lines.items() if len(found) > 1}


def _form_data(row, existing, categories) -> tuple[dict, dict[str, str]]:
    """BeneficiaryForm data for the row and the cells that could not be read. A column the
    file lacks keeps the bénéficiaire's current value (or the default for a new one)."""
    data = model_to_dict(existing, fields=FIELDS) if existing else {"usual_booklets": "1"}
    errors = {}
    for column in COLUMNS:
        if column.name not in row.values:
            continue
        value = row.values[column.name]
        if column.name == "carnets" and not value:
            continue
        try:
            data[column.field] = _convert(column.name, value, categories) if value else ""
        except ValueError as error:
            errors[column.name] = str(error)
    return data, errors


def _convert(column: str, value: str, categories: dict[str, int]):
    """Spreadsheet text → the value BeneficiaryForm expects; ValueError with a French
    reason when the text cannot mean anything."""
    if column == "civilite":
        return _lookup(CIVILITIES, value.rstrip("."), "Indiquez Madame ou Monsieur.")
    if column == "type_cesu":
        return _lookup(FORMATS, value, "Indiquez papier ou e-CESU.")
    if column == "categorie":
        return _lookup(
            categories,
            value,
            "Catégorie inconnue\u00a0: indiquez le code ou le libellé d’une catégorie proposée.",
        )
    if column == "date_naissance":
        return _parse_date(value)
    if column in ("valeur_faciale", "part_patronale"):
        return re.sub(r"[\s\u00a0\u202f€%]", "", value).replace(",", ".")
    return value


def _lookup(choices: dict, value: str, reason: str):
    try:
        return choices[fold(value)]
    except KeyError:
        raise ValueError(reason) from None


def _parse_date(value: str) -> datetime.date:
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise ValueError("Date invalide\u00a0: écrivez-la JJ/MM/AAAA, par exemple 14/07/1985.")
