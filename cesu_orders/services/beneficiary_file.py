"""Reading a spreadsheet for the imports (« Importer des bénéficiaires », « Importer un
fichier de paie »): what a file must look like (CSV or XLSX, its limits; its columns are
a `FileLayout`), read into rows of cells by column name, or refused as a whole, and a
cell's text as the value it means. The one place an imported file is opened. The rows'
content is checked by services/beneficiary_import.py and services/payroll_import.py."""

import csv
import datetime
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from common.exceptions import DomainError
from common.text import fold
from common.uploads import ArchiveRefused, archive_check

from ..models import Beneficiary, VoucherFormat

MAX_IMPORT_SIZE = 5 * 1024 * 1024
# A file is read whole by a task (services/beneficiary_import.py): cap what one import
# may cost, whatever size the file declares. 20,000 rows take a few seconds.
MAX_ROWS = 20_000
MAX_COLUMNS = 40
MAX_LINES = 10 * MAX_ROWS  # blank lines included
# 5,000 rows of 40 cells are a few megabytes of XML: far more is a file built to exhaust
# the server (a zip bomb), refused before openpyxl inflates anything.
MAX_XLSX_UNCOMPRESSED = 40 * 1024 * 1024
TOO_MANY_ROWS = (
    f"Le fichier dépasse {MAX_ROWS:,}\u00a0lignes".replace(",", "\u202f")
    + "\u00a0: découpez-le en plusieurs imports."
)
XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0"


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

    @property
    def is_category(self) -> bool:
        """The column naming the usage category (the upload page lists the codes)."""
        return self.field == "usual_usage_category"


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
FIELDS = [column.field for column in COLUMNS]


@dataclass(frozen=True)
class FileLayout:
    """The columns an import expects; `one_of`: groups of columns of which the header must
    name at least one (« carnets » or « montant »)."""

    columns: tuple[Column, ...]
    one_of: tuple[tuple[str, ...], ...] = ()

    @cached_property
    def aliases(self) -> dict[str, str]:
        """The column of each header text a manager may write (its name or its field)."""
        return {
            **{column.name: column.name for column in self.columns},
            **{column.field: column.name for column in self.columns},
        }

    @cached_property
    def order(self) -> dict[str, int]:
        return {column.name: position for position, column in enumerate(self.columns)}


BENEFICIARIES = FileLayout(COLUMNS)

NOT_A_SPREADSHEET = (
    "Ce fichier n’est ni un fichier CSV ni un classeur Excel (.xlsx)\u00a0: enregistrez "
    "votre tableau dans l’un de ces formats."
)
EMPTY = "Le fichier est vide\u00a0: il doit contenir une ligne d’en-tête puis au moins une ligne."
FORMULA = (
    "Cette cellule commence comme une formule de tableur (=, +, -, @)\u00a0: elle est "
    "refusée. Saisissez la valeur elle-même."
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(slots=True)
class ImportRow:
    """One line of the file: its raw cells by column, then either the bénéficiaire's
    values by field (`data`, checked) and `pk`, the bénéficiaire it updates, or the reason
    of each wrong cell by column."""

    line: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    data: dict[str, object] = field(default_factory=dict)
    pk: int | None = None

    @property
    def error_cells(self) -> list[tuple[str, str, str]]:
        """(column, raw value, reason) for each wrong cell."""
        return [
            (column, self.values.get(column, ""), reason) for column, reason in self.errors.items()
        ]


def beneficiary_file_rows(file) -> list[ImportRow]:
    return file_rows(file, BENEFICIARIES)


def file_rows(file, layout: FileLayout) -> list[ImportRow]:
    """The rows of the file, each with its cells by column name; the whole file refused
    (BeneficiaryImportError) when it is not a spreadsheet, too large, empty or its header
    is wrong for `layout`."""
    table = _read_table(_read_content(file))
    columns = _header_columns(table[0][1], layout)
    rows = [ImportRow(line=line, values=_row_values(columns, cells)) for line, cells in table[1:]]
    if not rows:
        raise BeneficiaryImportError(EMPTY)
    return rows


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
        archive_check(io.BytesIO(content), max_uncompressed=MAX_XLSX_UNCOMPRESSED)
    except ArchiveRefused as error:
        raise BeneficiaryImportError(str(error)) from error
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


def _header_columns(header: list[str], layout: FileLayout) -> list[str]:
    """The column name of each header cell; unknown, missing or repeated columns refuse the
    whole file with one message naming them."""
    columns, unknown = [], []
    for cell in header:
        column = layout.aliases.get(_header_key(cell), "") if cell else ""
        if cell and not column:
            unknown.append(cell)
        columns.append(column)
    present = Counter(column for column in columns if column)
    repeated = [column for column, count in present.items() if count > 1]
    missing = [
        column.name for column in layout.columns if column.required and column.name not in present
    ]
    missing += [
        " ou ".join(group) for group in layout.one_of if not any(name in present for name in group)
    ]
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


def formula_cells(values: dict[str, str]) -> dict[str, str]:
    """The cells a spreadsheet would run as a formula once the file is exported again
    (CSV formula injection), with the reason, by column. A negative number is a number."""
    return {
        column: FORMULA
        for column, value in values.items()
        if value[:1] in FORMULA_STARTS and not _is_number(value)
    }


def _is_number(value: str) -> bool:
    return bool(re.fullmatch(r"-\s*\d+(?:[.,]\d+)?", value))


def _header_key(cell: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "_", fold(cell)).strip("_").replace("-", "_")


def _quoted(names: list[str]) -> str:
    return ", ".join(f"«\u00a0{name}\u00a0»" for name in names)


# A cell's text as a value

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


def cell_value(column: str, value: str, categories: dict[str, int]):
    """A cell's text → the value the rules expect (services/beneficiary_rules.py);
    ValueError with a French reason when the text cannot mean anything. `categories`:
    the active usage categories by folded code and label."""
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
