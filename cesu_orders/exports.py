"""The CSV exports, in French spreadsheet conventions (semicolons, decimal commas,
DD/MM/YYYY, a BOM), every text cell made safe from formula injection: the fulfilment
line's order lines (« Exporter les lignes en CSV » in the back office), the accountant's
invoices and credit notes of a period, the aid statement of a year, and one order's
lines for its managers (CSV and XLSX, next to the « Récapitulatif PDF »)."""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .aid import FAMILY_TAX_CREDIT_CAP, FAMILY_TAX_CREDIT_RATE
from .models import DeliveryTarget, Invoice, Order, OrderLine, VoucherFormat


def csv_response(rows: Iterable[list], *, filename: str) -> HttpResponse:
    """A CSV download of `rows`, UTF-8 with a BOM (spreadsheets then read the accents),
    semicolon-separated."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv.writer(response, delimiter=";").writerows(rows)
    return response


EXPORT_HEADER = [
    "Référence client",
    "Numéro de commande",
    "Bénéficiaire",
    "Matricule",
    "Catégorie d'utilisation",
    "Type de CESU",
    "Carnets",
    "Titres par carnet",
    "Valeur faciale",
    "Total valeur faciale",
    "Adresse de livraison",
    "Date de livraison",
]


def order_export_rows(orders):
    """The fulfilment line's CSV: a header, then one row per order line of `orders`, in
    one query. Amounts with a decimal comma, dates as DD/MM/YYYY (French spreadsheets)."""
    yield EXPORT_HEADER
    lines = (
        OrderLine.objects.filter(order__in=orders)
        .select_related("order")
        .order_by("order__number", "position")
    )
    for line in lines.iterator(chunk_size=2000):
        order = line.order
        yield [
            order.client_reference,
            order.number,
            _cell(line.beneficiary_name),
            _cell(line.employee_number),
            _cell(line.usage_category_label),
            line.get_voucher_format_display(),
            line.booklets,
            line.vouchers_per_booklet,
            _decimal_comma(line.face_value),
            _decimal_comma(line.face_total),
            _cell(_line_address(order, line)),
            f"{order.planned_delivery_date or order.delivery_date:%d/%m/%Y}",
        ]


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run: a leading = + - @ (or tab, CR) is
    neutralised with an apostrophe (CSV formula injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _decimal_comma(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


# The accountant's export

INVOICE_HEADER = [
    "Date",
    "Type",
    "Numéro",
    "Montant HT",
    "TVA",
    "Montant TTC",
    "Commande",
    "Statut",
    "Référence",
]


def invoice_export_rows(invoices: Iterable[Invoice]):
    """A header, then one row per invoice or credit note: the date, the kind, the
    number, the amounts excluding VAT, of VAT and including VAT (negative on a credit
    note), the order, its status (« Émise », « Annulée par avoir » or « Avoir ») and the
    document it cancels or is cancelled by. Give it `selectors.accounting.
    invoices_of_period` (its joins make it one query)."""
    yield INVOICE_HEADER
    for invoice in invoices:
        yield [
            f"{invoice.issue_date:%d/%m/%Y}",
            invoice.get_kind_display(),
            _cell(invoice.number),
            _decimal_comma(invoice.amount_excl_tax),
            _decimal_comma(invoice.vat_amount),
            _decimal_comma(invoice.amount_incl_tax),
            _cell(invoice.order.number) if invoice.order else "",
            *_invoice_status(invoice),
        ]


def _invoice_status(invoice: Invoice) -> list[str]:
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        cancelled = invoice.credited_invoice
        return ["Avoir", _cell(cancelled.number) if cancelled else ""]
    credit_note = getattr(invoice, "credit_note", None)
    if credit_note is not None:
        return ["Annulée par avoir", _cell(credit_note.number)]
    return ["Émise", ""]


# The aid statement

STATEMENT_HEADER = [
    "Mois",
    "Commandes",
    "Titres",
    "Valeur faciale",
    "Aide versée (part patronale)",
    f"Crédit d'impôt famille ({FAMILY_TAX_CREDIT_RATE} %)",
]


def aid_statement_rows(statement):
    """A header, the twelve months of `statement` (`selectors.yearly.AidStatement`), the
    year's total, then the credit within its cap."""
    yield STATEMENT_HEADER
    for month in statement.months:
        yield [
            f"{month.month:%m/%Y}",
            month.orders,
            month.vouchers,
            _decimal_comma(month.face_total),
            _decimal_comma(month.aid),
            _decimal_comma(month.tax_credit),
        ]
    credit = statement.tax_credit
    yield [
        f"Total {statement.year}",
        statement.orders,
        statement.vouchers,
        _decimal_comma(statement.face_total),
        _decimal_comma(statement.aid),
        _decimal_comma(credit.credit),
    ]
    yield [
        f"Crédit d'impôt famille retenu (plafond {_decimal_comma(FAMILY_TAX_CREDIT_CAP)} € par an)",
        "",
        "",
        "",
        "",
        _decimal_comma(credit.capped),
    ]


def _line_address(order: Order, line: OrderLine) -> str:
    if line.is_electronic:
        return f"e-CESU\u00a0: {line.beneficiary_email}"
    if order.delivery_target == DeliveryTarget.HOMES:
        parts = [line.beneficiary_name, line.beneficiary_address]
        town = f"{line.beneficiary_postcode} {line.beneficiary_city}"
    else:
        parts = [order.delivery_recipient, order.delivery_address]
        town = f"{order.delivery_postcode} {order.delivery_city}"
    return ", ".join([*parts, town])


# One order's lines, for its managers

LINES_HEADER = [
    "Bénéficiaire",
    "Matricule",
    "Catégorie d'utilisation",
    "Type de CESU",
    "Carnets",
    "Titres par carnet",
    "Titres",
    "Valeur faciale",
    "Total valeur faciale",
    "Part patronale (%)",
    "Part patronale",
    "Part salariale",
]
LINES_FIELDS = (
    "beneficiary_name",
    "employee_number",
    "usage_category_label",
    "voucher_format",
    "booklets",
    "vouchers_per_booklet",
    "vouchers",
    "face_value",
    "face_total",
    "employer_share_percent",
    "employer_share",
    "employee_share",
)
TEXT_COLUMNS = 3  # The first columns hold text a user typed; the rest are numbers.


def order_lines(order: Order):
    """The order's lines as tuples of LINES_HEADER's values (the CESU type's label), in
    one query."""
    formats = dict(VoucherFormat.choices)
    for line in order.lines.order_by("position").values_list(*LINES_FIELDS).iterator(2000):
        yield (*line[:3], formats[line[3]], *line[4:])


def order_lines_csv(order: Order) -> str:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(LINES_HEADER)
    for line in order_lines(order):
        writer.writerow(
            [_cell(value) for value in line[:TEXT_COLUMNS]]
            + [_decimal_comma(v) if isinstance(v, Decimal) else v for v in line[TEXT_COLUMNS:]]
        )
    return "\ufeff" + output.getvalue()  # The BOM makes spreadsheets read UTF-8.


def order_lines_xlsx(order: Order) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=order.number)
    sheet.append(LINES_HEADER)
    for line in order_lines(order):
        texts = []
        for value in line[:TEXT_COLUMNS]:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # Text, never a formula, whatever it starts with.
            texts.append(cell)
        sheet.append(texts + list(line[TEXT_COLUMNS:]))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
