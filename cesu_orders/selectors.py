from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from common.text import fold

from .models import (
    Beneficiary,
    BookletSize,
    FaceValue,
    NewsItem,
    Order,
    OrderLine,
    OrderStatus,
    UsageCategory,
)


def published_news(*, limit: int = 10):
    """« Toute l'actualité du CESU »: published items, newest first."""
    return NewsItem.objects.filter(published_at__lte=timezone.now()).order_by("-published_at")[
        :limit
    ]


def beneficiary_search(*, organization, query: str = "", archived: bool = False):
    """The financeur's active (or archived) bénéficiaires in alphabetical order, with the
    joins the list needs. Each word of `query` must match the folded name, the employee
    number or the e-mail."""
    beneficiaries = Beneficiary.objects.for_organization(organization).filter(
        archived_at__isnull=not archived
    )
    for word in query.split():
        beneficiaries = beneficiaries.filter(
            Q(sort_name__contains=fold(word))
            | Q(employee_number__icontains=word)
            | Q(email__icontains=word)
        )
    return beneficiaries.select_related("usual_usage_category").order_by("sort_name", "pk")


def funder_key_figures(*, organization, year: int) -> dict:
    """The home page's figures: active bénéficiaires, and the orders placed in `year` (not
    cancelled: count and amount including VAT), in two queries."""
    orders = (
        Order.objects.for_organization(organization)
        .filter(created_at__year=year)
        .exclude(status=OrderStatus.CANCELLED)
    )
    totals = orders.aggregate(count=Count("pk"), amount=Sum("total_to_pay"))
    return {
        "beneficiaries": Beneficiary.objects.for_organization(organization)
        .filter(archived_at__isnull=True)
        .count(),
        "orders": totals["count"],
        "ordered": totals["amount"] or 0,
        "year": year,
    }


@dataclass(frozen=True)
class Catalogue:
    """The catalogue values a bénéficiaire may use, read in three queries."""

    categories: dict[int, UsageCategory]
    face_values: list[Decimal]
    booklet_sizes: list[int]

    @classmethod
    def load(cls) -> "Catalogue":
        return cls(
            categories={c.pk: c for c in UsageCategory.objects.filter(is_active=True)},
            face_values=sorted(
                FaceValue.objects.filter(is_active=True).values_list("amount", flat=True)
            ),
            booklet_sizes=list(
                BookletSize.objects.filter(is_active=True).values_list("vouchers", flat=True)
            ),
        )


@dataclass(frozen=True, kw_only=True)
class LineGroup:
    """The lines of one usage category and CESU type, summed: how the e-mail and the
    invoice present an order."""

    category: str
    voucher_format: str
    lines: int
    booklets: int
    vouchers: int
    face_total: object
    employer_share: object
    employee_share: object


def order_groups(order: Order) -> list[LineGroup]:
    """The order's lines summed by category and type, in one query."""
    rows = (
        order.lines.values("usage_category_label", "voucher_format")
        .annotate(
            count=Count("pk"),
            booklets=Sum("booklets"),
            vouchers=Sum("vouchers"),
            face_total=Sum("face_total"),
            employer_share=Sum("employer_share"),
            employee_share=Sum("employee_share"),
        )
        .order_by("usage_category_label", "voucher_format")
    )
    formats = dict(OrderLine._meta.get_field("voucher_format").choices)
    return [
        LineGroup(
            category=row["usage_category_label"],
            voucher_format=formats[row["voucher_format"]],
            lines=row["count"],
            booklets=row["booklets"],
            vouchers=row["vouchers"],
            face_total=row["face_total"],
            employer_share=row["employer_share"],
            employee_share=row["employee_share"],
        )
        for row in rows
    ]


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
    if order.delivery_target == "homes":
        parts = [line.beneficiary_name, line.beneficiary_address]
        town = f"{line.beneficiary_postcode} {line.beneficiary_city}"
    else:
        parts = [order.delivery_recipient, order.delivery_address]
        town = f"{order.delivery_postcode} {order.delivery_city}"
    return ", ".join([*parts, town])
