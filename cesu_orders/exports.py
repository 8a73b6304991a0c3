"""The fulfilment line's CSV export of order lines (« Exporter les lignes en CSV » in the
back office): one row per order line, in French spreadsheet conventions, every text cell
made safe from formula injection."""

from decimal import Decimal

from .models import DeliveryTarget, Order, OrderLine

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
