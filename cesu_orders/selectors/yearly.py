"""The reads of the employer's yearly obligations: the aid ordered and granted per
bénéficiaire and year, the exemption ceiling, the annual attestations and the aid
statement. Which orders count, and for which year, is `cesu_orders.aid`."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from accounts.models import Organization
from notifications.models import Notification

from .. import aid as aid_rules
from ..models import (
    Attestation,
    Beneficiary,
    ExemptionCeiling,
    Invoice,
    Job,
    Order,
    OrderLine,
    OrderStatus,
)

ZERO = Decimal("0.00")


def delivered_in(year: int, *, prefix: str = "") -> Q:
    """Orders whose delivery falls in `year`: the date staff confirmed at manufacture,
    else the one the manager asked for (`aid`: the year of an aid)."""
    return Q(**{f"{prefix}planned_delivery_date__year": year}) | Q(
        **{f"{prefix}planned_delivery_date__isnull": True, f"{prefix}delivery_date__year": year}
    )


def ordered_lines(*, organization: Organization, year: int) -> QuerySet[OrderLine]:
    """The order lines of `year`'s deliveries, of every order not cancelled: what counts
    towards the exemption ceiling as soon as it is ordered."""
    return (
        OrderLine.objects.filter(order__organization=organization)
        .filter(delivered_in(year, prefix="order__"))
        .exclude(order__status=OrderStatus.CANCELLED)
    )


def granted_orders(*, organization: Organization, year: int) -> QuerySet[Order]:
    """The orders whose CESU the bénéficiaires received in `year`, as aid granted
    (`aid_rules.GRANTED_STATUSES`; an order cancelled by a credit note never counts)."""
    return (
        Order.objects.for_organization(organization)
        .filter(delivered_in(year), status__in=aid_rules.GRANTED_STATUSES)
        .exclude(invoices__kind=Invoice.Kind.CREDIT_NOTE)
    )


def granted_lines(*, organization: Organization, year: int) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__in=granted_orders(organization=organization, year=year))


def ceiling_of(year: int) -> Decimal | None:
    """The catalogue's exemption ceiling of `year`, None when staff have not entered it."""
    return ExemptionCeiling.objects.filter(year=year).values_list("amount", flat=True).first()


# The ceiling across the year


@dataclass(frozen=True, kw_only=True)
class CeilingUse:
    """What a bénéficiaire's employer share of a year stands at against its ceiling."""

    year: int
    share: Decimal
    ceiling: Decimal | None

    @property
    def percent(self) -> int | None:
        ratio = aid_rules.ceiling_ratio(self.share, self.ceiling)
        return None if ratio is None else int(ratio * 100)

    @property
    def meter_max(self) -> Decimal:
        """The scale of the page's meter: the ceiling, or the share when above it."""
        return max(self.ceiling or ZERO, self.share)

    @property
    def near_threshold(self) -> Decimal | None:
        return None if self.ceiling is None else self.ceiling * aid_rules.NEAR_CEILING

    @property
    def is_over(self) -> bool:
        return aid_rules.is_over_ceiling(self.share, self.ceiling)

    @property
    def is_near(self) -> bool:
        return aid_rules.is_near_ceiling(self.share, self.ceiling) and not self.is_over

    @property
    def remaining(self) -> Decimal | None:
        return None if self.ceiling is None else max(self.ceiling - self.share, ZERO)

    @property
    def excess(self) -> Decimal:
        return max(self.share - (self.ceiling or self.share), ZERO)


def beneficiary_ceiling_use(*, beneficiary: Beneficiary, year: int) -> CeilingUse:
    """The employer share already ordered for `beneficiary` this `year` (orders not
    cancelled), against the year's ceiling: two queries."""
    share = (
        ordered_lines(organization=beneficiary.organization, year=year)
        .filter(beneficiary=beneficiary)
        .aggregate(total=Sum("employer_share"))["total"]
        or ZERO
    )
    return CeilingUse(year=year, share=share, ceiling=ceiling_of(year))


@dataclass(frozen=True, kw_only=True)
class CeilingRow:
    beneficiary: Beneficiary
    use: CeilingUse


def beneficiaries_near_ceiling(*, organization: Organization, year: int) -> list[CeilingRow]:
    """The bénéficiaires whose employer share ordered this `year` is at 90 % of the
    ceiling or above (`aid_rules.NEAR_CEILING`), the highest first; none without a ceiling.
    Three queries whatever the number of bénéficiaires."""
    ceiling = ceiling_of(year)
    if ceiling is None:
        return []
    totals = dict(
        ordered_lines(organization=organization, year=year)
        .values("beneficiary_id")
        .annotate(total=Sum("employer_share"))
        .filter(total__gte=ceiling * aid_rules.NEAR_CEILING)
        .values_list("beneficiary_id", "total")
    )
    beneficiaries = Beneficiary.objects.for_organization(organization).filter(pk__in=totals)
    rows = [
        CeilingRow(
            beneficiary=beneficiary,
            use=CeilingUse(year=year, share=totals[beneficiary.pk], ceiling=ceiling),
        )
        for beneficiary in beneficiaries
    ]
    return sorted(rows, key=lambda row: (-row.use.share, row.beneficiary.sort_name))


# Annual attestations


@dataclass(frozen=True, kw_only=True)
class Figures:
    """What one bénéficiaire's attestation states for a year."""

    beneficiary_id: int
    vouchers: int
    face_total: Decimal
    employer_share: Decimal

    @property
    def employee_share(self) -> Decimal:
        return self.face_total - self.employer_share

    @property
    def as_tuple(self) -> tuple:
        return (self.vouchers, self.face_total, self.employer_share)


def figures_by_beneficiary(
    *, organization: Organization, year: int, beneficiary_ids: list[int] | None = None
) -> dict[int, Figures]:
    """Every bénéficiaire's figures for `year` (or those of `beneficiary_ids`), in one
    query."""
    lines = granted_lines(organization=organization, year=year)
    if beneficiary_ids is not None:
        lines = lines.filter(beneficiary_id__in=beneficiary_ids)
    rows = (
        lines.values("beneficiary_id")
        .annotate(
            vouchers=Sum("vouchers"),
            face_total=Sum("face_total"),
            employer_share=Sum("employer_share"),
        )
        .order_by()
    )
    return {row["beneficiary_id"]: Figures(**row) for row in rows}


def attestations_current(*, organization: Organization, year: int) -> QuerySet[Attestation]:
    return Attestation.objects.for_organization(organization).filter(
        year=year, superseded_at__isnull=True
    )


@dataclass(kw_only=True)
class AttestationState:
    """Where a financeur's attestations of a year stand: `to_generate` bénéficiaires
    have none or one whose figures changed since; of the current ones, `sent` were
    e-mailed, `unsent` have an address and were not sent yet, `without_email` have no
    address. `rows` are the page's lines, alphabetical: each bénéficiaire's figures
    with its current attestation, if any (dicts)."""

    rows: list[dict]
    current: int = 0
    to_generate: list[int] = field(default_factory=list)
    unsent: int = 0
    sent: int = 0
    without_email: int = 0

    @property
    def has_figures(self) -> bool:
        return bool(self.rows)

    @property
    def is_up_to_date(self) -> bool:
        return bool(self.rows) and not self.to_generate

    @property
    def totals(self) -> dict:
        return {
            "beneficiaries": len(self.rows),
            "vouchers": sum(row["vouchers"] for row in self.rows),
            "face_total": sum((row["face_total"] for row in self.rows), ZERO),
            "employer_share": sum((row["employer_share"] for row in self.rows), ZERO),
        }


def attestation_state(*, organization: Organization, year: int) -> AttestationState:
    """The state of `year`'s attestations, in three queries whatever the number of
    bénéficiaires (the year's lines summed per bénéficiaire, the bénéficiaires'
    names, the current attestations, as plain values): the page at 2,000
    bénéficiaires and the services that decide what to generate and send read it."""
    figures = figures_by_beneficiary(organization=organization, year=year)
    # Grouped by the bénéficiaire's id alone, then joined here to the names: cheaper than
    # grouping and sorting 4,000 lines on every text column of the bénéficiaire.
    rows = [
        {
            **person,
            "vouchers": figures[person["beneficiary_id"]].vouchers,
            "face_total": figures[person["beneficiary_id"]].face_total,
            "employer_share": figures[person["beneficiary_id"]].employer_share,
        }
        for person in Beneficiary.objects.for_organization(organization)
        .order_by("sort_name", "pk")
        .values(
            "public_id",
            "last_name",
            "first_name",
            "email",
            beneficiary_id=F("pk"),
        )
        if person["beneficiary_id"] in figures
    ]
    current = {
        attestation["beneficiary_id"]: attestation
        for attestation in attestations_current(organization=organization, year=year).values(
            "beneficiary_id",
            "public_id",
            "vouchers",
            "face_total",
            "employer_share",
            # Whether, not when: 2,000 timestamps parsed would cost more than the rest.
            sent=ExpressionWrapper(Q(sent_at__isnull=False), output_field=BooleanField()),
        )
    }
    state = AttestationState(rows=rows, current=len(current))
    for row in rows:
        row["employee_share"] = row["face_total"] - row["employer_share"]
        attestation = current.get(row["beneficiary_id"])
        row["attestation"] = attestation
        figures = (row["vouchers"], row["face_total"], row["employer_share"])
        row["outdated"] = attestation is not None and figures != (
            attestation["vouchers"],
            attestation["face_total"],
            attestation["employer_share"],
        )
        if attestation is None or row["outdated"]:
            state.to_generate.append(row["beneficiary_id"])
            continue
        if attestation["sent"]:
            state.sent += 1
        elif row["email"]:
            state.unsent += 1
        else:
            state.without_email += 1
    return state


def with_sent_dates(*, organization: Organization, year: int, rows: list[dict]) -> list[dict]:
    """Adds to a page's `rows` (of `attestation_state`) when each current attestation
    was sent (`sent_on`, None when not) and whether its e-mail failed for good
    (`delivery_failed`), in one query for the page only."""
    sent = {
        beneficiary_id: (sent_at, status)
        for beneficiary_id, sent_at, status in attestations_current(
            organization=organization, year=year
        )
        .filter(beneficiary_id__in=[row["beneficiary_id"] for row in rows])
        .exclude(sent_at=None)
        .values_list("beneficiary_id", "sent_at", "notification__status")
    }
    for row in rows:
        sent_at, status = sent.get(row["beneficiary_id"], (None, None))
        row["sent_on"] = sent_at
        row["delivery_failed"] = status == Notification.Status.FAILED
    return rows


def attestation_failures(*, organization: Organization, year: int) -> QuerySet[Attestation]:
    """The current attestations whose e-mail failed (refused address, mailbox full,
    server down after every retry), with the error, from the outbox."""
    return (
        attestations_current(organization=organization, year=year)
        .filter(notification__status=Notification.Status.FAILED)
        .select_related("notification")
        .order_by("beneficiary_name")
    )


def orders_not_granted_yet(*, organization: Organization, year: int) -> int:
    """Orders of `year`'s deliveries still « validée » or « prise en charge »: they may
    still be cancelled and are not in the attestations yet."""
    return (
        Order.objects.for_organization(organization)
        .filter(delivered_in(year), status__in=[OrderStatus.VALIDATED, OrderStatus.RECEIVED])
        .count()
    )


def attestation_years(*, organization: Organization, before: int) -> list[int]:
    """The years before `before` in which the financeur ordered CESU, newest first."""
    years = set(
        Order.objects.for_organization(organization)
        .exclude(status=OrderStatus.CANCELLED)
        .values_list("delivery_date__year", flat=True)
    )
    years.add(before - 1)
    return sorted((year for year in years if year < before), reverse=True)


def organizations_with_aid(year: int) -> QuerySet:
    """Every financeur's organizations with aid granted in `year` (the January
    reminder), one query."""
    return (
        Order.objects.filter(delivered_in(year), status__in=aid_rules.GRANTED_STATUSES)
        .exclude(invoices__kind=Invoice.Kind.CREDIT_NOTE)
        .values_list("organization_id", flat=True)
        .distinct()
    )


# Jobs


def job_running(*, organization: Organization, kinds) -> Job | None:
    return (
        Job.objects.for_organization(organization)
        .filter(kind__in=list(kinds), finished_at__isnull=True)
        .select_related("created_by")
        .first()
    )


def job_latest(*, organization: Organization, kind: str, year: int | None = None) -> Job | None:
    jobs = Job.objects.for_organization(organization).filter(kind=kind)
    if year is not None:
        jobs = jobs.filter(year=year)
    return jobs.select_related("created_by").order_by("-created_at", "-pk").first()


# The aid statement


@dataclass(frozen=True, kw_only=True)
class StatementMonth:
    month: date
    orders: int
    vouchers: int
    face_total: Decimal
    aid: Decimal

    @property
    def tax_credit(self) -> Decimal:
        return aid_rules.family_tax_credit(self.aid).credit


@dataclass(frozen=True, kw_only=True)
class AidStatement:
    """« Relevé des aides versées » of a year: the aid granted per month of delivery and
    the crédit d'impôt famille it opens."""

    year: int
    months: list[StatementMonth]
    is_provisional: bool

    @property
    def orders(self) -> int:
        return sum(month.orders for month in self.months)

    @property
    def vouchers(self) -> int:
        return sum(month.vouchers for month in self.months)

    @property
    def face_total(self) -> Decimal:
        return sum((month.face_total for month in self.months), ZERO)

    @property
    def aid(self) -> Decimal:
        return sum((month.aid for month in self.months), ZERO)

    @property
    def tax_credit(self) -> aid_rules.TaxCredit:
        return aid_rules.family_tax_credit(self.aid)


def aid_statement(*, organization: Organization, year: int, today: date) -> AidStatement:
    """The twelve months of `year` (empty months included), in one query."""
    rows = {
        row["month"]: row
        for row in granted_lines(organization=organization, year=year)
        .annotate(month=ExtractMonth("order__planned_delivery_date"))
        .values("month")
        .annotate(
            orders=Count("order_id", distinct=True),
            vouchers=Sum("vouchers"),
            face_total=Sum("face_total"),
            aid=Sum("employer_share"),
        )
        .order_by("month")
    }
    months = []
    for number in range(1, 13):
        row = rows.get(number, {})
        months.append(
            StatementMonth(
                month=date(year, number, 1),
                orders=row.get("orders", 0),
                vouchers=row.get("vouchers") or 0,
                face_total=row.get("face_total") or ZERO,
                aid=row.get("aid") or ZERO,
            )
        )
    return AidStatement(year=year, months=months, is_provisional=year >= today.year)
