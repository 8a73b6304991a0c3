"""« Importer un fichier de paie »: the order itself from a spreadsheet. Each line names
an employee (its matricule, or its name and birth date) who must be one of the
financeur's active bénéficiaires, and how many booklets, or what amount, of which usage
category and CESU type it gets; what a line leaves out is the bénéficiaire's usual
value. The file goes through the bénéficiaire import's machinery (upload, check by a
task with its progress, preview, confirmation claimed once, purge:
services/beneficiary_import.py) and its reader (services/beneficiary_file.py); a line's
values follow the order table's rules (services/cart.py `line_errors`), each shown in the
cell it is about. Unknown employees are listed, never created. Confirming replaces the
cart's lines by the file's, through `cart_save`, so the cart's version guards it.

Checking costs a constant number of queries whatever the number of lines: the catalogue
and the bénéficiaires are read once per file."""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from accounts.models import Organization, User
from common.text import fold

from ..models import Beneficiary, BeneficiaryImport, Cart, VoucherFormat
from ..selectors import Catalogue, TableBeneficiary, cart_of, payroll_beneficiaries
from .beneficiary_file import (
    BeneficiaryImportError,
    Column,
    FileLayout,
    ImportRow,
    cell_value,
    file_rows,
    formula_cells,
)
from .beneficiary_import import (
    ROW_COLUMN,
    duplicate_lines,
    import_check,
    import_claim,
    import_done,
    import_start,
    in_file_order,
    progress_reporter,
)
from .beneficiary_rules import RowRules
from .cart import CartChanged, DeliveryChoice, DraftLine, cart_save, line_errors

NBSP = "\u00a0"
COLUMNS = (
    Column("matricule", "employee_number", False, "M0042", "reconnaît le salarié"),
    Column("nom", "last_name", False, "Lefèvre", "sans matricule, avec la date de naissance"),
    Column("prenom", "first_name", False, "Hélène", "départage deux homonymes"),
    Column("date_naissance", "birth_date", False, "14/07/1985", "JJ/MM/AAAA, sans matricule"),
    Column(
        "categorie",
        "usage_category_id",
        False,
        "services-domicile",
        "code ou libellé de la catégorie d’utilisation, l’habituelle si vide",
    ),
    Column("type_cesu", "voucher_format", False, "papier", "papier ou e-CESU, l’habituel si vide"),
    Column("carnets", "booklets", False, "2", "nombre de carnets, ou bien le montant"),
    Column(
        "montant",
        "amount",
        False,
        "300,00",
        "en euros, un nombre entier de carnets (valeur faciale × titres par carnet)",
    ),
    Column("valeur_faciale", "face_value", False, "15,00", "en euros, l’habituelle si vide"),
    Column("titres_par_carnet", "vouchers_per_booklet", False, "10", "l’habituel si vide"),
    Column("part_patronale", "employer_share", False, "50", "pourcentage, l’habituel si vide"),
)
LAYOUT = FileLayout(COLUMNS, one_of=(("matricule", "nom"), ("carnets", "montant")))
COLUMN_OF = {
    "usage_category_id": "categorie",
    "voucher_format": "type_cesu",
    "booklets": "carnets",
    "vouchers_per_booklet": "titres_par_carnet",
    "face_value": "valeur_faciale",
    "employer_share": "part_patronale",
    "email": "type_cesu",
}

WHO = "Indiquez le matricule du salarié, ou son nom et sa date de naissance."
UNKNOWN_NUMBER = "Aucun bénéficiaire actif n’a ce matricule."
UNKNOWN_NAME = "Aucun bénéficiaire actif n’a ce nom et cette date de naissance."
HOMONYMS = (
    f"Plusieurs bénéficiaires ont ce nom et cette date de naissance{NBSP}: indiquez le "
    "matricule ou le prénom."
)
QUANTITY = "Indiquez le nombre de carnets ou le montant."
NOT_A_NUMBER = "Saisissez un nombre."
NOT_A_WHOLE_NUMBER = "Saisissez un nombre entier."
NO_EMAIL = (
    f"Ce bénéficiaire n’a pas d’adresse e-mail{NBSP}: elle est obligatoire pour un e-CESU. "
    "Complétez sa fiche ou choisissez le papier."
)
IN_ERROR = (
    f"Le fichier contient des lignes en erreur ou des salariés inconnus{NBSP}: corrigez-le "
    "puis importez-le de nouveau."
)
CHANGED = (
    f"Les bénéficiaires ou le catalogue ont changé depuis l’aperçu{NBSP}: importez le "
    "fichier de nouveau."
)


@dataclass
class PayrollPreview:
    """The file's lines: those that go to the cart (`data`: a cart line's values and
    `pk`, its bénéficiaire), the employees not found, and the lines in error."""

    lines: list[ImportRow] = field(default_factory=list)
    unknown: list[ImportRow] = field(default_factory=list)
    in_error: list[ImportRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.lines) + len(self.unknown) + len(self.in_error)

    def as_json(self) -> dict:
        return {
            "lines": [{"line": row.line, "pk": row.pk, **_plain(row.data)} for row in self.lines],
            "unknown": [_failed_json(row) for row in self.unknown],
            "errors": [_failed_json(row) for row in self.in_error],
        }


def _plain(data: dict) -> dict:
    return {
        name: str(value) if isinstance(value, Decimal) else value for name, value in data.items()
    }


def _failed_json(row: ImportRow) -> dict:
    return {"line": row.line, "values": row.values, "errors": row.errors}


def _failed(rows: list[dict]) -> list[ImportRow]:
    """The lines as the preview page shows them: every column, empty when the file had
    none of it."""
    empty = dict.fromkeys(LAYOUT.order, "")
    return [ImportRow(line=r["line"], values=empty | r["values"], errors=r["errors"]) for r in rows]


@dataclass(frozen=True)
class Employees:
    """The financeur's active bénéficiaires by employee number and by (name, birth date),
    read once per file."""

    by_number: dict[str, TableBeneficiary]
    by_birth: dict[tuple[str, datetime.date], list[TableBeneficiary]]

    @classmethod
    def load(cls, organization: Organization) -> "Employees":
        by_number, by_birth = {}, {}
        for beneficiary, birth_date in payroll_beneficiaries(organization):
            if beneficiary.employee_number:
                by_number[beneficiary.employee_number] = beneficiary
            if birth_date:
                key = (fold(beneficiary.last_name), birth_date)
                by_birth.setdefault(key, []).append(beneficiary)
        return cls(by_number=by_number, by_birth=by_birth)

    def find(self, values: dict[str, str]) -> tuple[TableBeneficiary | None, dict[str, str]]:
        """The bénéficiaire a line names, or None with the reason by column. An unknown
        employee's reason is under `matricule` or `nom` (homonyms' under `prenom`)."""
        number = values.get("matricule", "")
        if number:
            found = self.by_number.get(number)
            return found, {} if found else {"matricule": UNKNOWN_NUMBER}
        name, born = values.get("nom", ""), values.get("date_naissance", "")
        if not name or not born:
            return None, {ROW_COLUMN: WHO}
        try:
            birth_date = cell_value("date_naissance", born, {})
        except ValueError as error:
            return None, {"date_naissance": str(error)}
        candidates = self.by_birth.get((fold(name), birth_date), [])
        if first_name := fold(values.get("prenom", "")):
            candidates = [c for c in candidates if fold(c.first_name) == first_name]
        if len(candidates) > 1:
            return None, {"prenom": HOMONYMS}
        return (candidates[0], {}) if candidates else (None, {"nom": UNKNOWN_NAME})


def payroll_import_preview(*, organization: Organization, file, progress=None) -> PayrollPreview:
    """Reads the payroll file and sorts its lines into cart lines, unknown employees and
    lines in error (each wrong cell with its reason), in a constant number of queries.
    Writes nothing; `progress(checked, total)` is called as the lines are checked."""
    rows = file_rows(file, LAYOUT)
    rules = RowRules.load(organization)  # the categories by code and label
    employees = Employees.load(organization)
    report = progress_reporter(len(rows), progress)
    preview = PayrollPreview()
    found: dict[int, TableBeneficiary] = {}
    for index, row in enumerate(rows, start=1):
        errors = formula_cells(row.values)
        beneficiary, not_found = (None, {}) if errors else employees.find(row.values)
        if beneficiary is None and not errors and set(not_found) <= {"matricule", "nom"}:
            row.errors = not_found
            preview.unknown.append(row)
        elif beneficiary is None:
            row.errors = in_file_order(errors or not_found, LAYOUT)
            preview.in_error.append(row)
        else:
            found[row.line] = beneficiary
            row.pk = beneficiary.pk
            row.data, errors = _line(row.values, beneficiary, rules)
            if errors:
                row.errors, row.data = in_file_order(errors, LAYOUT), {}
                preview.in_error.append(row)
            else:
                preview.lines.append(row)
        report(index)
    _flag_duplicates(preview)
    return preview


def _line(values: dict[str, str], beneficiary: TableBeneficiary, rules: RowRules):
    """A cart line's values from the cells (the bénéficiaire's usual ones for an empty
    cell), and the reason of each wrong cell."""
    errors = {}

    def read(column: str, usual, parse):
        text = values.get(column, "")
        if not text:
            return usual
        try:
            return parse(text)
        except ValueError as error:
            errors[column] = str(error)
            return None

    line = DraftLine(
        beneficiary=beneficiary,
        usage_category_id=read(
            "categorie",
            beneficiary.usual_usage_category_id,
            lambda text: cell_value("categorie", text, rules.categories),
        ),
        voucher_format=str(
            read(
                "type_cesu",
                beneficiary.usual_format,
                lambda text: cell_value("type_cesu", text, {}),
            )
            or ""
        ),
        booklets=read("carnets", None, _whole_number),
        vouchers_per_booklet=read(
            "titres_par_carnet", beneficiary.usual_vouchers_per_booklet, _whole_number
        ),
        face_value=read("valeur_faciale", beneficiary.usual_face_value, _amount),
        employer_share=read("part_patronale", beneficiary.usual_employer_share, _amount),
    )
    amount = read("montant", None, _amount)
    _booklets_of_amount(line, amount, values, errors)
    for name, message in line_errors(line, rules.catalogue).items():
        if name == "booklets" and ("carnets" in errors or "montant" in errors):
            continue  # the quantity's cell says what is wrong already
        column = COLUMN_OF[name]
        if name == "booklets" and not values.get("carnets"):
            column = "montant"
        errors.setdefault(column, NO_EMAIL if name == "email" else _sentence(message))
    if errors:
        return {}, errors
    return {
        "usage_category_id": line.usage_category_id,
        "voucher_format": line.voucher_format,
        "booklets": line.booklets,
        "vouchers_per_booklet": line.vouchers_per_booklet,
        "face_value": line.face_value,
        "employer_share": line.employer_share,
    }, {}


def _booklets_of_amount(line: DraftLine, amount, values: dict, errors: dict) -> None:
    """The number of booklets an amount buys (it must buy a whole number of them); with
    both cells filled, they must agree."""
    if "carnets" in errors or "montant" in errors:
        return
    if amount is None:
        if line.booklets is None:
            errors["carnets" if "carnets" in values else "montant"] = QUANTITY
        return
    if line.face_value is None or not line.vouchers_per_booklet:
        return  # the face value or the booklet size is wrong: its cell says so
    booklet = line.face_value * line.vouchers_per_booklet
    booklets, rest = divmod(amount, booklet)
    if rest:
        errors["montant"] = (
            f"Le montant doit être un nombre entier de carnets de {_euros(booklet)} "
            f"({line.vouchers_per_booklet}{NBSP}titres de {_euros(line.face_value)})."
        )
    elif line.booklets is not None and line.booklets != booklets:
        errors["montant"] = (
            f"Le montant ne correspond pas aux {line.booklets}{NBSP}carnets de la ligne "
            f"({_euros(booklet * line.booklets)})."
        )
    else:
        line.booklets = int(booklets)


def _flag_duplicates(preview: PayrollPreview) -> None:
    """A bénéficiaire ordered twice in the same category and CESU type is a repeated
    line: every one of them goes in error, naming the others."""
    repeated = duplicate_lines(
        preview.lines,
        lambda row: (row.pk, row.data["usage_category_id"], row.data["voucher_format"]),
    )
    if not repeated:
        return
    kept = []
    for row in preview.lines:
        lines = repeated.get((row.pk, row.data["usage_category_id"], row.data["voucher_format"]))
        if lines is None:
            kept.append(row)
            continue
        column = "matricule" if row.values.get("matricule") else "nom"
        row.errors = {
            column: (
                "Ce salarié figure sur plusieurs lignes pour la même catégorie et le même type "
                f"de CESU{NBSP}: lignes {', '.join(map(str, lines))}. Regroupez-les."
            )
        }
        row.data = {}
        preview.in_error.append(row)
    preview.lines = kept
    preview.in_error.sort(key=lambda row: row.line)


def _whole_number(text: str) -> int:
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 6:
        raise ValueError(NOT_A_WHOLE_NUMBER)
    return int(digits)


def _amount(text: str) -> Decimal:
    cleaned = cell_value("valeur_faciale", text, {})
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(NOT_A_NUMBER) from None
    if not value.is_finite() or len(cleaned) > 12:
        raise ValueError(NOT_A_NUMBER)
    return value


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def _euros(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", "\u202f") + f",{cents}{NBSP}€"


# The import: upload, check (task), confirmation


def payroll_import_start(*, organization: Organization, user: User, upload) -> BeneficiaryImport:
    """Keeps the payroll file and queues its check (`payroll_import_check`)."""
    return import_start(
        organization=organization,
        user=user,
        upload=upload,
        kind=BeneficiaryImport.Kind.PAYROLL,
        task="cesu_orders.tasks.check_payroll_import",
    )


def payroll_import_check(*, import_id: int) -> None:
    import_check(import_id=import_id, preview_with=payroll_import_preview)


@transaction.atomic
def payroll_import_apply(*, payroll_import: BeneficiaryImport, user: User) -> int:
    """Replaces the cart's lines by the preview's (the delivery choices stay), all or
    nothing: refused when a line is in error or names an unknown employee, when a
    bénéficiaire was archived or a catalogue value withdrawn since, or when the import
    was confirmed already. Returns the number of lines put in the cart."""
    preview = import_claim(payroll_import)
    if preview["unknown"] or preview["errors"]:
        raise BeneficiaryImportError(IN_ERROR, field=None)
    organization = payroll_import.organization
    catalogue = Catalogue.load()
    emails = dict(
        Beneficiary.objects.for_organization(organization)
        .active()
        .filter(pk__in={line["pk"] for line in preview["lines"]})
        .values_list("pk", "email")
    )
    lines = [_cart_line(line, emails) for line in preview["lines"]]
    if any(line.beneficiary is None or line_errors(line, catalogue) for line in lines):
        raise BeneficiaryImportError(CHANGED, field=None)
    cart = cart_of(organization)
    try:
        cart_save(
            organization=organization,
            user=user,
            version=cart.version if cart else 0,
            lines=lines,
            delivery=DeliveryChoice.of_cart(cart) if cart else DeliveryChoice(),
        )
    except CartChanged as changed:
        raise BeneficiaryImportError(" ".join(changed.messages), field=None) from changed
    ordered = sum(line.is_ordered for line in lines)
    import_done(payroll_import, created_count=ordered)
    return ordered


@dataclass(frozen=True)
class _Employee:
    """What cart_save (its id) and the e-CESU rule (its address) read of a bénéficiaire."""

    pk: int
    email: str


def _cart_line(data: dict, emails: dict[int, str]) -> DraftLine:
    """A preview's line as the cart saves it; its bénéficiaire None if no longer active."""
    email = emails.get(data["pk"])
    return DraftLine(
        beneficiary=_Employee(data["pk"], email) if email is not None else None,
        usage_category_id=data["usage_category_id"],
        voucher_format=data["voucher_format"],
        booklets=data["booklets"],
        vouchers_per_booklet=data["vouchers_per_booklet"],
        face_value=Decimal(data["face_value"]),
        employer_share=Decimal(data["employer_share"]),
    )


# What the preview page shows


@dataclass(frozen=True, kw_only=True)
class PayrollLine:
    line: int
    name: str
    employee_number: str
    category: str
    voucher_format: str
    booklets: int
    vouchers_per_booklet: int
    face_value: Decimal
    face_total: Decimal
    employer_share: Decimal


@dataclass(frozen=True, kw_only=True)
class PayrollSummary:
    """The counts of a payroll import's preview, the total face value of its cart lines,
    the first `shown` lines of each kind, and how many lines the cart holds today (they
    will be replaced)."""

    lines: int
    unknown: int
    in_error: int
    booklets: int
    face_total: Decimal
    shown_lines: list[PayrollLine]
    shown_unknown: list[ImportRow]
    errors: list[ImportRow]
    shown: int
    cart_lines: int


def payroll_preview_summary(payroll_import: BeneficiaryImport, *, shown: int) -> PayrollSummary:
    data = payroll_import.preview
    lines = data["lines"]
    face_total = sum(
        (
            line["booklets"] * line["vouchers_per_booklet"] * Decimal(line["face_value"])
            for line in lines
        ),
        Decimal("0.00"),
    )
    names = {
        pk: (f"{last} {first}", number or "")
        for pk, last, first, number in Beneficiary.objects.for_organization(
            payroll_import.organization
        )
        .filter(pk__in={line["pk"] for line in lines[:shown]})
        .values_list("pk", "last_name", "first_name", "employee_number")
    }
    categories = {pk: c.label for pk, c in Catalogue.load().categories.items()}
    formats = dict(VoucherFormat.choices)
    cart = Cart.objects.filter(organization=payroll_import.organization).first()
    return PayrollSummary(
        lines=len(lines),
        unknown=len(data["unknown"]),
        in_error=len(data["errors"]),
        booklets=sum(line["booklets"] for line in lines),
        face_total=face_total,
        shown_lines=[
            PayrollLine(
                line=line["line"],
                name=names.get(line["pk"], ("—", ""))[0],
                employee_number=names.get(line["pk"], ("—", ""))[1],
                category=categories.get(line["usage_category_id"], "—"),
                voucher_format=formats.get(line["voucher_format"], "—"),
                booklets=line["booklets"],
                vouchers_per_booklet=line["vouchers_per_booklet"],
                face_value=Decimal(line["face_value"]),
                face_total=line["booklets"]
                * line["vouchers_per_booklet"]
                * Decimal(line["face_value"]),
                employer_share=Decimal(line["employer_share"]),
            )
            for line in lines[:shown]
        ],
        shown_unknown=_failed(data["unknown"][:shown]),
        errors=_failed(data["errors"][:shown]),
        shown=shown,
        cart_lines=cart.lines.count() if cart else 0,
    )


# The template to download


TEMPLATE_SAMPLE = 5


def payroll_template_rows(organization: Organization) -> list[list[str]]:
    """The header, then one line for each of the first active bénéficiaires (a sample
    file the financeur can import as is: its usual order), or the example line."""
    header = [column.name for column in COLUMNS]
    employees = payroll_beneficiaries(organization)[:TEMPLATE_SAMPLE]
    if not employees:
        return [header, [column.example for column in COLUMNS]]
    catalogue = Catalogue.load()
    formats = {VoucherFormat.PAPER: "papier", VoucherFormat.ELECTRONIC: "e-CESU"}
    rows = [header]
    for beneficiary, birth_date in employees:
        category = catalogue.categories.get(beneficiary.usual_usage_category_id)
        rows.append(
            [
                beneficiary.employee_number or "",
                beneficiary.last_name,
                beneficiary.first_name,
                f"{birth_date:%d/%m/%Y}" if birth_date else "",
                category.code if category else "",
                formats.get(beneficiary.usual_format, ""),
                str(max(beneficiary.usual_booklets, 1)),
                "",
                f"{beneficiary.usual_face_value:.2f}".replace(".", ","),
                str(beneficiary.usual_vouchers_per_booklet),
                f"{beneficiary.usual_employer_share.normalize():f}".replace(".", ","),
            ]
        )
    return rows


def payroll_template_csv(organization: Organization) -> str:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerows(payroll_template_rows(organization))
    return "\ufeff" + output.getvalue()  # The BOM makes spreadsheets read UTF-8.


def payroll_template_xlsx(organization: Organization) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Commande")
    for row in payroll_template_rows(organization):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # Text, never a formula: a matricule keeps its zeros.
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
