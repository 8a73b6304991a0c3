"""The financeur space's reads: each one scoped to the financeur it is given (tenancy)
and with the joins its page needs, so that a template never triggers a query."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.models import Membership, Organization
from common.text import fold

from ..delivery_calendar import TransportMode
from ..models import (
    Beneficiary,
    BookletSize,
    Cart,
    DeliveryAddress,
    Document,
    ExemptionCeiling,
    FaceValue,
    Funder,
    HelpRequest,
    Invoice,
    NewsItem,
    Order,
    OrderLine,
    OrderStatus,
    ServiceFees,
    TermsOfSale,
    UsageCategory,
    Vintage,
)
from ..models.beneficiaries import beneficiary_sort_name
from ..pricing import FeeSchedule
from .yearly import ordered_lines

# The latest help requests only: older ones stay with the customer service.
PAST_HELP_REQUESTS = 50


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


def beneficiary_duplicates(
    *,
    organization: Organization,
    last_name: str,
    first_name: str,
    birth_date,
    employee_number: str,
):
    """Bénéficiaires that look like the same person: same name and birth date, or same
    employee number."""
    condition = Q()
    if birth_date:
        condition |= Q(
            sort_name=beneficiary_sort_name(last_name=last_name, first_name=first_name),
            birth_date=birth_date,
        )
    if employee_number:
        condition |= Q(employee_number=employee_number)
    if not condition:
        return Beneficiary.objects.none()
    return Beneficiary.objects.for_organization(organization).filter(condition)


class TableBeneficiary(NamedTuple):
    """A bénéficiaire as the order table, the recap and the validation read it: one tuple
    fetched raw, no model instance (2,000 rows and more, see html_rows). Has the
    attributes of a Beneficiary these pages use, so either may stand in a DraftLine."""

    pk: int
    public_id: uuid.UUID
    last_name: str
    first_name: str
    sort_name: str
    email: str
    address: str
    postcode: str
    city: str
    employee_number: str | None
    usual_usage_category_id: int
    usual_format: str
    usual_face_value: Decimal
    usual_employer_share: Decimal
    usual_booklets: int
    usual_vouchers_per_booklet: int
    archived_at: datetime | None

    def __str__(self):
        return f"{self.last_name} {self.first_name}"


TABLE_BENEFICIARY_FIELDS = TableBeneficiary._fields


class SavedLine(NamedTuple):
    """A line saved in the cart or copied in a past order, as the table reopens it."""

    beneficiary_id: int
    usage_category_id: int
    voucher_format: str
    booklets: int
    vouchers_per_booklet: int
    face_value: Decimal
    employer_share: Decimal


def order_table_beneficiaries(organization: Organization) -> list[TableBeneficiary]:
    """The active bénéficiaires of the order table, alphabetical, as tuples."""
    rows = (
        Beneficiary.objects.for_organization(organization)
        .active()
        .order_by("sort_name", "pk")
        .values_list(*TABLE_BENEFICIARY_FIELDS)
    )
    return list(map(TableBeneficiary._make, rows))


def beneficiaries_by_employee_number(
    organization: Organization, numbers: set[str], fields: list[str]
) -> dict[str, dict]:
    """The `fields` (and `pk`) of the financeur's bénéficiaires with one of these employee
    numbers (an import's rows that update them), by employee number, in one query."""
    rows = (
        Beneficiary.objects.for_organization(organization)
        .filter(employee_number__in=numbers)
        .values("pk", *fields)
    )
    return {row["employee_number"]: row for row in rows}


PAYROLL_FIELDS = (*TABLE_BENEFICIARY_FIELDS, "birth_date")


def payroll_beneficiaries(organization: Organization) -> list[tuple[TableBeneficiary, object]]:
    """The active bénéficiaires a payroll file's lines may name, each with its birth date
    (matched with its name when a line has no employee number), in one query."""
    rows = (
        Beneficiary.objects.for_organization(organization)
        .active()
        .order_by("sort_name", "pk")
        .values_list(*PAYROLL_FIELDS)
    )
    return [(TableBeneficiary._make(row[:-1]), row[-1]) for row in rows]


def employee_number_owner(organization: Organization, number: str) -> int | None:
    """The id of the financeur's bénéficiaire with this employee number, if any."""
    return (
        Beneficiary.objects.for_organization(organization)
        .filter(employee_number=number)
        .values_list("pk", flat=True)
        .first()
    )


def employee_numbers_taken(organization: Organization) -> dict[str, int]:
    """Every employee number of the financeur and its bénéficiaire's id, in one query."""
    return dict(
        Beneficiary.objects.for_organization(organization)
        .exclude(employee_number=None)
        .values_list("employee_number", "pk")
    )


def active_usage_categories():
    return UsageCategory.objects.filter(is_active=True)


def delivery_addresses(organization: Organization) -> dict[int, DeliveryAddress]:
    """The financeur's delivery addresses by primary key (the table's select values)."""
    return {a.pk: a for a in DeliveryAddress.objects.for_organization(organization)}


def funder_managers(organization: Organization):
    """The managers of the financeur, by identifier; `is_secondary` tells the ones the
    primary manager may deactivate and reactivate."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .annotate(
            is_secondary=ExpressionWrapper(
                Q(role=Membership.Role.SECONDARY), output_field=BooleanField()
            )
        )
        .order_by("user__username")
    )


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


def customer_service_email(organization: Organization) -> str:
    """The financeur's own customer service address, else the portal's."""
    address = (
        Funder.objects.filter(organization=organization)
        .values_list("customer_service_email", flat=True)
        .first()
    )
    return address or settings.CUSTOMER_SERVICE_EMAIL


def help_requests_recent(organization: Organization, *, limit: int = PAST_HELP_REQUESTS):
    """The financeur's latest « Besoin d'aide » requests, newest first."""
    return (
        HelpRequest.objects.for_organization(organization)
        .select_related("user")
        .order_by("-created_at")[:limit]
    )


def documents_published():
    """« Documents utiles » published by staff (not tenant-owned: every financeur sees
    the same ones)."""
    return Document.objects.filter(published_at__lte=timezone.now())


# The catalogue and what an order needs from it


def terms_of_sale_current() -> TermsOfSale | None:
    """« The current terms of sale »: the latest version published, the one a manager
    accepts."""
    return (
        TermsOfSale.objects.filter(published_at__lte=timezone.now())
        .order_by("-published_at")
        .first()
    )


def terms_of_sale_version(version: str) -> TermsOfSale | None:
    return TermsOfSale.objects.filter(version=version).first()


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
class OrderCatalogue:
    """What an order needs from the catalogue, read once per request."""

    catalogue: Catalogue
    fees: FeeSchedule | None
    vintages: dict[int, Vintage]
    ceilings: dict[int, Decimal]
    terms: TermsOfSale | None

    @classmethod
    def load(cls, *, today: date) -> "OrderCatalogue":
        fees = ServiceFees.objects.filter(valid_from__lte=today).order_by("-valid_from").first()
        return cls(
            catalogue=Catalogue.load(),
            fees=fee_schedule(fees) if fees else None,
            vintages={v.year: v for v in Vintage.objects.all()},
            ceilings=dict(ExemptionCeiling.objects.values_list("year", "amount")),
            terms=terms_of_sale_current(),
        )


def fee_schedule(fees: ServiceFees) -> FeeSchedule:
    return FeeSchedule(
        per_order=fees.per_order,
        per_booklet=fees.per_booklet,
        per_electronic_credit=fees.per_electronic_credit,
        per_transport_mode={
            TransportMode.STANDARD: fees.standard_transport,
            TransportMode.EXPRESS: fees.express_transport,
        },
        vat_rate=fees.vat_rate,
    )


# The cart and the orders


def cart_of(organization: Organization) -> Cart | None:
    """The financeur's one cart, with who saved it and its delivery address; None before
    the first save."""
    return (
        Cart.objects.filter(organization=organization)
        .select_related("updated_by", "delivery_address")
        .first()
    )


def cart_load(organization: Organization) -> tuple[Cart | None, list[SavedLine]]:
    """The financeur's cart and its lines, in two queries; (None, []) before the first
    save."""
    cart = cart_of(organization)
    if cart is None:
        return None, []
    return cart, cart_lines(cart)


SAVED_LINE_FIELDS = (
    "beneficiary_id",
    "usage_category_id",
    "voucher_format",
    "booklets",
    "vouchers_per_booklet",
    "face_value",
)


def cart_lines(cart: Cart) -> list[SavedLine]:
    rows = cart.lines.order_by("position").values_list(*SAVED_LINE_FIELDS, "employer_share")
    return list(map(SavedLine._make, rows))


def cart_lines_with_beneficiaries(cart: Cart) -> list[tuple[SavedLine, TableBeneficiary]]:
    """The cart's lines, each with its bénéficiaire (archived ones too), in one query."""
    width = len(SAVED_LINE_FIELDS) + 1
    rows = cart.lines.order_by("position").values_list(
        *SAVED_LINE_FIELDS,
        "employer_share",
        *(f"beneficiary__{name}" for name in TABLE_BENEFICIARY_FIELDS),
    )
    beneficiaries: dict[int, TableBeneficiary] = {}
    pairs = []
    for row in rows:
        line = SavedLine._make(row[:width])
        beneficiary = beneficiaries.get(line.beneficiary_id)
        if beneficiary is None:
            beneficiary = beneficiaries[line.beneficiary_id] = TableBeneficiary._make(row[width:])
        pairs.append((line, beneficiary))
    return pairs


def order_latest(organization: Organization) -> Order | None:
    """« Rappeler ma dernière commande »: the financeur's latest order."""
    return Order.objects.for_organization(organization).order_by("-created_at", "-pk").first()


def order_saved_lines(order: Order) -> list[SavedLine]:
    """A past order's lines as the order table reopens them (« Commander à nouveau »)."""
    rows = order.lines.order_by("position").values_list(
        *SAVED_LINE_FIELDS, "employer_share_percent"
    )
    return list(map(SavedLine._make, rows))


def order_years(organization: Organization) -> list[int]:
    """The years the financeur ordered in, newest first (the history's filter)."""
    years = (
        Order.objects.for_organization(organization)
        .annotate(year=ExtractYear("created_at"))
        .values_list("year", flat=True)
    )
    return sorted(set(years), reverse=True)


def order_history(organization: Organization, *, year: int | None, status: str | None):
    """« Historique des commandes », newest first, filtered by year and status."""
    orders = Order.objects.for_organization(organization)
    if year:
        orders = orders.filter(created_at__year=year)
    if status:
        orders = orders.filter(status=status)
    invoices = Prefetch("invoices", queryset=Invoice.objects.order_by("issue_date", "pk"))
    return (
        orders.select_related("created_by")
        .prefetch_related(invoices)
        .order_by("-created_at", "-pk")
    )


def employer_share_this_year(*, organization: Organization, year: int) -> dict[int, object]:
    """The employer share already ordered for each bénéficiaire for deliveries in `year`
    (cancelled orders excluded; the year of an aid is its delivery's, see `aid`), in one
    query."""
    rows = (
        ordered_lines(organization=organization, year=year)
        .values("beneficiary_id")
        .annotate(total=Sum("employer_share"))
    )
    return {row["beneficiary_id"]: row["total"] for row in rows}


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
