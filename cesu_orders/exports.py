"""Order lines as spreadsheets: the fulfilment line's CSV (« Exporter les lignes en CSV »
in the back office), and one order's lines for its managers (CSV and XLSX, next to the
« Récapitulatif PDF »). French spreadsheet conventions; every text cell made safe from
formula injection."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .models import DeliveryTarget, Order, OrderLine, VoucherFormat

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
