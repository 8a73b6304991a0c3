"""Bulk import of bénéficiaires from a CSV or XLSX file: a preview first, then, once the
manager confirms, every row written in one transaction. BeneficiaryForm holds every rule on
a row's data; this module only reads the file and turns spreadsheet text into form data."""

import csv
import datetime
import hashlib
import io
import re
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from accounts.models import Organization
from common.exceptions import DomainError
from common.text import fold
from common.uploads import private_storage

from ..forms.beneficiary_import import BeneficiaryRowValidator
from ..models import Beneficiary, UsageCategory, VoucherFormat
from .beneficiaries import beneficiary_sort_name

MAX_IMPORT_SIZE = 5 * 1024 * 1024
# A file is read whole and each row validated by a form: cap what one request may cost,
# whatever size the file declares.
MAX_ROWS = 5000
MAX_COLUMNS = 40
MAX_LINES = 10 * MAX_ROWS  # blank lines included
TOO_MANY_ROWS = (
    f"Le fichier dépasse {MAX_ROWS:,}\u00a0lignes".replace(",", "\u202f")
    + "\u00a0: découpez-le en plusieurs imports."
)
BATCH_SIZE = 500
STORAGE_PREFIX = "beneficiary-imports"
CLAIM_TIMEOUT = 24 * 3600
XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0"
ROW_COLUMN = "ligne"


class BeneficiaryImportError(DomainError):
    """A file that cannot be imported as a whole; the message is shown to the manager,
    next to the file field."""

    def __init__(self, message: str, *, field: str | None = "file"):
        super().__init__(message, field=field)


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    required: bool
    example: str
    hint: str


COLUMNS = (
    Column("civilite", "civility", True, "Madame", "Madame ou Monsieur (Mme, M.)"),
    Column("nom", "last_name", True, "Lefèvre", ""),
    Column("prenom", "first_name", True, "Hélène", ""),
    Column("date_naissance", "birth_date", False, "14/07/1985", "JJ/MM/AAAA ou AAAA-MM-JJ"),
    Column("email", "email", False, "helene.lefevre@example.fr", "obligatoire pour les e-CESU"),
    Column("telephone_mobile", "mobile_phone", False, "06 12 34 56 78", ""),
    Column("adresse", "address", False, "12 rue des Lilas", ""),
    Column("code_postal", "postcode", False, "69003", ""),
    Column("ville", "city", False, "Lyon", ""),
    Column(
        "matricule",
        "employee_number",
        False,
        "M0042",
        "reconnaît un bénéficiaire déjà enregistré, qui est alors mis à jour",
    ),
    Column(
        "categorie",
        "usual_usage_category",
        True,
        "services-domicile",
        "code ou libellé de la catégorie d’utilisation",
    ),
    Column("type_cesu", "usual_format", True, "papier", "papier ou e-CESU"),
    Column(
        "valeur_faciale",
        "usual_face_value",
        True,
        "15,00",
        "en euros, parmi les valeurs du catalogue",
    ),
    Column("part_patronale", "usual_employer_share", True, "50", "pourcentage de 0 à 100"),
    Column("carnets", "usual_booklets", False, "1", "1 si la cellule est vide"),
    Column(
        "titres_par_carnet",
        "usual_vouchers_per_booklet",
        True,
        "10",
        "parmi les formats de carnet proposés",
    ),
)
COLUMN_BY_FIELD = {column.field: column.name for column in COLUMNS}
HEADER_ALIASES = {
    **{column.name: column.name for column in COLUMNS},
    **{column.field: column.name for column in COLUMNS},
}
FIELDS = [column.field for column in COLUMNS]

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

NOT_A_SPREADSHEET = (
    "Ce fichier n’est ni un fichier CSV ni un classeur Excel (.xlsx)\u00a0: enregistrez "
    "votre tableau dans l’un de ces formats."
)
EMPTY = (
    "Le fichier est vide\u00a0: il doit contenir une ligne d’en-tête puis une ligne par "
    "bénéficiaire."
)
STALE = (
    "Cet import n’est plus disponible ou ne concerne pas votre organisation\u00a0: "
    "importez le fichier de nouveau."
)


@dataclass
class ImportRow:
    """One line of the file: its raw cells, then either the bénéficiaire it creates or
    updates (`instance`, not saved yet) or the reason of each wrong cell."""

    line: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    instance: Beneficiary | None = None

    @property
    def error_cells(self) -> list[tuple[str, str, str]]:
        """(column, raw value, reason) for each wrong cell."""
        return [
            (column, self.values.get(column, ""), reason) for column, reason in self.errors.items()
        ]


@dataclass
class ImportPreview:
    to_create: list[ImportRow]
    to_update: list[ImportRow]
    in_error: list[ImportRow]


@dataclass(frozen=True)
class StoredImport:
    token: str
    name: str
    sha256: str


# Reading the file


def beneficiary_import_preview(*, organization: Organization, file) -> ImportPreview:
    """Reads the file and sorts its rows into created, updated (same matricule as a
    bénéficiaire of `organization`) and in error. Writes nothing."""
    table = _read_table(_read_content(file))
    columns = _header_columns(table[0][1])
    rows = [ImportRow(line=line, values=_row_values(columns, cells)) for line, cells in table[1:]]
    if not rows:
        raise BeneficiaryImportError(EMPTY)
    _check_rows(organization, rows)
    preview = ImportPreview(to_create=[], to_update=[], in_error=[])
    for row in rows:
        if row.errors:
            preview.in_error.append(row)
        elif row.instance.pk:
            preview.to_update.append(row)
        else:
            preview.to_create.append(row)
    return preview


def _read_content(file) -> bytes:
    if file.size > MAX_IMPORT_SIZE:
        raise BeneficiaryImportError(
            f"Le fichier dépasse la taille maximale de {MAX_IMPORT_SIZE // (1024 * 1024)}\u00a0Mo."
        )
    file.seek(0)
    content = file.read()
    if not content.strip():
        raise BeneficiaryImportError(EMPTY)
    return content


def _read_table(content: bytes) -> list[tuple[int, list[str]]]:
    """The non-blank lines of the file as (line number, cells), header first."""
    if content.startswith(XLSX_SIGNATURE):
        lines = _xlsx_lines(content)
    elif content.startswith(XLS_SIGNATURE):
        raise BeneficiaryImportError(
            "Les classeurs Excel 97-2003 (.xls) ne sont pas acceptés\u00a0: enregistrez le "
            "vôtre au format .xlsx ou CSV."
        )
    else:
        lines = _csv_lines(_decode(content))
    table = [
        (number, cells)
        for number, cells in enumerate(lines, start=1)
        if any(cell for cell in cells)
    ]
    if not table:
        raise BeneficiaryImportError(EMPTY)
    return table


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, as French spreadsheets export."""
    if b"\x00" in content:
        raise BeneficiaryImportError(NOT_A_SPREADSHEET)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise BeneficiaryImportError(NOT_A_SPREADSHEET) from error


def _csv_lines(text: str) -> list[list[str]]:
    header = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return _capped([cell.strip() for cell in cells[:MAX_COLUMNS]] for cells in reader)
    except csv.Error as error:  # e.g. a quoted cell longer than the csv module allows
        raise BeneficiaryImportError(NOT_A_SPREADSHEET) from error


def _capped(lines) -> list[list[str]]:
    """The lines, blank ones included (line numbers stay right), refused beyond MAX_ROWS
    filled rows after the header or MAX_LINES lines in all, without reading further."""
    table, filled = [], 0
    for cells in lines:
        filled += any(cells)
        if filled > MAX_ROWS + 1 or len(table) >= MAX_LINES:
            raise BeneficiaryImportError(TOO_MANY_ROWS)
        table.append(cells)
    return table


def _xlsx_lines(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise BeneficiaryImportError("Ce classeur Excel est illisible ou endommagé.") from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_COLUMNS)
        return _capped([_cell_text(cell) for cell in cells] for cells in rows)
    finally:
        workbook.close()


def _cell_text(cell) -> str:
    """A spreadsheet cell as the text a manager would have typed."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A cell formatted « 50 % » holds 0.5.
        number = Decimal(str(value)) * (100 if "%" in (cell.number_format or "") else 1)
        return f"{number.normalize():f}"
    return str(value).strip()


def _header_columns(header: list[str]) -> list[str]:
    """The column name of each header cell; unknown, missing or repeated columns refuse the
    whole file with one message naming them."""
    columns, unknown = [], []
    for cell in header:
        column = HEADER_ALIASES.get(_header_key(cell), "") if cell else ""
        if cell and not column:
            unknown.append(cell)
        columns.append(column)
    present = Counter(column for column in columns if column)
    repeated = [column for column, count in present.items() if count > 1]
    missing = [column.name for column in COLUMNS if column.required and column.name not in present]
    problems = [
        f"{label}\u00a0: {_quoted(names)}."
        for label, names in (
            ("Colonnes inconnues", unknown),
            ("Colonnes obligatoires manquantes", missing),
            ("Colonnes en double", repeated),
        )
        if names
    ]
    if problems:
        raise BeneficiaryImportError(
            " ".join(["Le fichier ne peut pas être importé.", *problems])
            + " Téléchargez le modèle pour voir les colonnes attendues."
        )
    return columns


def _row_values(columns: list[str], cells: list[str]) -> dict[str, str]:
    """Cells by column name; a short line's missing cells are empty."""
    cells = cells + [""] * (len(columns) - len(cells))
    return {column: cell for column, cell in zip(columns, cells, strict=False) if column}


def _header_key(cell: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "_", fold(cell)).strip("_").replace("-", "_")


def _quoted(names: list[str]) -> str:
    return ", ".join(f"«\u00a0{name}\u00a0»" for name in names)


# Checking the rows


def _check_rows(organization: Organization, rows: list[ImportRow]) -> None:
    existing = _existing_by_employee_number(organization, rows)
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


def _existing_by_employee_number(organization, rows) -> dict[str, Beneficiary]:
    numbers = {row.values.get("matricule", "") for row in rows} - {""}
    beneficiaries = Beneficiary.objects.for_organization(organization).filter(
        employee_number__in=numbers
    )
    return {beneficiary.employee_number: beneficiary for beneficiary in beneficiaries}


def _categories_by_key() -> dict[str, int]:
    categories = UsageCategory.objects.filter(is_active=True)
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


# Writing


@transaction.atomic
def beneficiary_import_apply(
    *, organization: Organization, preview: ImportPreview
) -> tuple[int, int]:
    """Creates and updates every row of the preview, all or nothing, in a constant number
    of queries per batch of 500; refuses a preview with any row in error. Returns
    (created, updated)."""
    if preview.in_error:
        raise BeneficiaryImportError(
            "Le fichier contient des lignes en erreur\u00a0: corrigez-le puis importez-le de "
            "nouveau."
        )
    now = timezone.now()
    created = [row.instance for row in preview.to_create]
    updated = [row.instance for row in preview.to_update]
    for beneficiary in [*created, *updated]:
        beneficiary.organization = organization
        beneficiary.sort_name = beneficiary_sort_name(
            last_name=beneficiary.last_name, first_name=beneficiary.first_name
        )
        beneficiary.updated_at = now
    for beneficiary in updated:
        # Rows to update are written as an upsert on (organization, employee number):
        # one INSERT … ON CONFLICT DO UPDATE per batch, far cheaper than bulk_update's
        # CASE per column. The primary key must not take part in the INSERT.
        beneficiary.pk = None
    try:
        with transaction.atomic():
            Beneficiary.objects.bulk_create(created, batch_size=BATCH_SIZE)
            Beneficiary.objects.bulk_create(
                updated,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["organization", "employee_number"],
                update_fields=[
                    f for f in [*FIELDS, "sort_name", "updated_at"] if f != "employee_number"
                ],
            )
    except IntegrityError as error:
        # Another manager gave one of these matricules in the meantime.
        raise BeneficiaryImportError(
            "Les bénéficiaires ont changé pendant l’import\u00a0: importez le fichier de nouveau."
        ) from error
    return len(created), len(updated)


# The file kept between the preview and the confirmation


def beneficiary_import_store(*, file) -> StoredImport:
    """Keeps the uploaded file in the private storage under a fresh UUID."""
    file.seek(0)
    content = file.read()
    token = uuid.uuid4().hex
    name = private_storage().save(f"{STORAGE_PREFIX}/{token}", ContentFile(content))
    return StoredImport(token=token, name=name, sha256=hashlib.sha256(content).hexdigest())


def beneficiary_import_load(*, name: str, sha256: str) -> ContentFile:
    """The stored file, refused when it is gone or its content changed."""
    storage = private_storage()
    if not name.startswith(f"{STORAGE_PREFIX}/") or not storage.exists(name):
        raise BeneficiaryImportError(STALE)
    with storage.open(name) as stored:
        content = stored.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise BeneficiaryImportError(STALE)
    return ContentFile(content, name=name)


def beneficiary_import_discard(*, name: str) -> None:
    private_storage().delete(name)


def beneficiary_imports_purge(
    *, older_than: datetime.timedelta = datetime.timedelta(days=1)
) -> int:
    """Deletes the stored files of previews never confirmed: they hold personal data and
    serve nothing once the preview is stale. Returns how many were deleted."""
    storage = private_storage()
    if not storage.exists(STORAGE_PREFIX):
        return 0
    limit = timezone.now() - older_than
    _, names = storage.listdir(STORAGE_PREFIX)
    stale = [
        f"{STORAGE_PREFIX}/{name}"
        for name in names
        if storage.get_modified_time(f"{STORAGE_PREFIX}/{name}") < limit
    ]
    for name in stale:
        storage.delete(name)
    return len(stale)


def beneficiary_import_claim(*, token: str) -> bool:
    """True for the first confirmation of an import only: an atomic claim in the shared
    cache, so that two simultaneous submits cannot both import."""
    return cache.add(_claim_key(token), True, timeout=CLAIM_TIMEOUT)


def beneficiary_import_is_claimed(*, token: str) -> bool:
    return bool(token) and cache.get(_claim_key(token)) is not None


def _claim_key(token: str) -> str:
    return f"cesu_beneficiary_import:{token}"


def beneficiary_import_template() -> str:
    """The CSV template: the header row and one example row, semicolon-separated."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.name for column in COLUMNS])
    writer.writerow([column.example for column in COLUMNS])
    return output.getvalue()
