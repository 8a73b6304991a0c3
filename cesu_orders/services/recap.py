"""« Commander » › the recap: the saved cart checked again against today's catalogue and
bénéficiaires (`cart_review`, also the gate of `order_place`), then priced per
bénéficiaire with the exemption-ceiling warnings (`recap_price`), and the millésimes
the delivery may carry (`vintage_choices`, `vintage_pick`). Reads only."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from accounts.models import Organization
from common.exceptions import DomainError

from .. import vintages
from ..delivery_calendar import TransportMode, format_day
from ..models import Beneficiary, Cart, Vintage
from ..pricing import (
    BeneficiaryTotals,
    CeilingWarning,
    LineAmounts,
    OrderTotals,
    beneficiary_totals,
    ceiling_for,
    ceiling_warnings,
)
from ..selectors import (
    OrderCatalogue,
    TableBeneficiary,
    cart_lines_with_beneficiaries,
    employer_share_this_year,
)
from .cart import (
    EMPTY_ORDER,
    DeliveryChoice,
    DraftLine,
    check_delivery,
    check_line,
    draft_totals,
    table_lines,
)

NBSP = "\u00a0"


@dataclass(kw_only=True)
class CartReview:
    """The saved cart checked again against today's catalogue and bénéficiaires: what
    the recap shows and what the validation places."""

    cart: Cart
    lines: list[DraftLine]
    delivery: DeliveryChoice
    problems: list[str]
    is_empty: bool = False  # Not a line saved, not even an archived bénéficiaire's.

    @property
    def ordered(self) -> list[DraftLine]:
        return [line for line in self.lines if line.is_ordered]


def cart_review(*, cart: Cart, catalogue: OrderCatalogue, today: date) -> CartReview:
    """Checks every saved line and the delivery choices again (the catalogue, a
    bénéficiaire or the date may have changed since the save), in two queries."""
    saved = cart_lines_with_beneficiaries(cart)
    archived = sorted({str(b) for _, b in saved if b.archived_at})
    active = [(line, b) for line, b in saved if not b.archived_at]
    beneficiaries = list({b.pk: b for _, b in active}.values())
    lines, _ = table_lines(beneficiaries, [line for line, _ in active])
    for line in lines:
        check_line(line, catalogue.catalogue)
    delivery = DeliveryChoice.of_cart(cart)
    problems = [
        f"{name} a été archivé depuis l’enregistrement du panier{NBSP}: "
        "retirez ses lignes ou restaurez sa fiche."
        for name in archived
    ]
    problems += [error for line in lines for error in line.errors]
    if not any(line.is_ordered for line in lines) and not archived:
        problems.append(EMPTY_ORDER)
    problems += check_delivery(lines, delivery, today=today, vintages=catalogue.vintages).values()
    if catalogue.fees is None:
        problems.append(
            "Les frais de service ne sont pas encore publiés. Contactez le service clients."
        )
    return CartReview(
        cart=cart, lines=lines, delivery=delivery, problems=problems, is_empty=not saved
    )


@dataclass(kw_only=True, slots=True)
class RecapLine:
    line: DraftLine
    amounts: LineAmounts
    category: str


@dataclass(kw_only=True, slots=True)
class RecapGroup:
    """One bénéficiaire's lines in the recap, with their subtotal and, above the
    exemption ceiling, its warning."""

    beneficiary: TableBeneficiary | Beneficiary
    lines: list[RecapLine]
    totals: BeneficiaryTotals
    warning: CeilingWarning | None


@dataclass(frozen=True, kw_only=True)
class OrderRecap:
    review: CartReview
    totals: OrderTotals | None
    groups: list[RecapGroup] = field(default_factory=list)
    vintage: Vintage | None = None
    vintage_choices: list[Vintage] = field(default_factory=list)

    @property
    def delivery(self) -> DeliveryChoice:
        return self.review.delivery

    @property
    def warnings(self) -> list[tuple[Beneficiary, CeilingWarning]]:
        return [(group.beneficiary, group.warning) for group in self.groups if group.warning]

    @property
    def has_paper(self) -> bool:
        return any(not line.electronic for line in self.review.ordered)

    @property
    def expires_soon(self) -> bool:
        """Titles of the current millésime delivered in December: the recap warns that
        they expire on 31 January."""
        return bool(
            self.vintage
            and self.delivery.date
            and vintages.expires_soon(vintage=self.vintage.year, delivery=self.delivery.date)
        )

    @property
    def next_vintage(self) -> Vintage | None:
        """The next millésime, when this delivery may carry it instead."""
        later = [v for v in self.vintage_choices if self.vintage and v.year > self.vintage.year]
        return later[0] if later else None

    @property
    def transport_mode(self) -> str:
        """The transport mode's label, "" when none is chosen."""
        mode = self.delivery.transport_mode
        return TransportMode(mode).label if mode in TransportMode.values else ""


class VintageRefused(DomainError):
    """The millésime asked for cannot be delivered on the date chosen."""


def vintage_choices(*, delivery: date | None, today: date, catalogue: OrderCatalogue):
    """The catalogue's millésimes an order placed `today` for `delivery` may carry, the
    default first (`vintages.vintages_for`)."""
    if delivery is None:
        return []
    years = vintages.vintages_for(delivery=delivery, today=today)
    return [catalogue.vintages[year] for year in years if year in catalogue.vintages]


def vintage_pick(choices: list[Vintage], year: int | None, *, delivery: date) -> Vintage:
    """The millésime `year` among `choices`, the default one when `year` is None."""
    if not choices:
        raise VintageRefused(
            f"Aucun millésime ne peut être livré le {format_day(delivery)}{NBSP}: "
            "choisissez une autre date de livraison."
        )
    if year is None:
        return choices[0]
    for vintage in choices:
        if vintage.year == year:
            return vintage
    offered = " ou ".join(str(vintage.year) for vintage in choices)
    raise VintageRefused(
        f"Le millésime {year} ne peut pas être livré le {format_day(delivery)}{NBSP}: "
        f"choisissez le millésime {offered}.",
        field="vintage_year",
    )


def recap_price(
    *,
    review: CartReview,
    catalogue: OrderCatalogue,
    organization: Organization,
    today: date | None = None,
    vintage_year: int | None = None,
) -> OrderRecap:
    """The reviewed cart priced: the order's totals, each bénéficiaire's lines and
    subtotal, and a warning for each bénéficiaire whose employer share this year (this
    order included) would pass the year's exemption ceiling. The millésime is
    `vintage_year` when the delivery may carry it, else the default one."""
    ordered = review.ordered
    delivery = review.delivery
    choices = vintage_choices(
        delivery=delivery.date, today=today or timezone.localdate(), catalogue=catalogue
    )
    vintage = None
    if choices:
        try:
            vintage = vintage_pick(choices, vintage_year, delivery=delivery.date)
        except VintageRefused:
            vintage = choices[0]
    totals = (
        draft_totals(ordered, catalogue.fees, delivery.transport_mode)
        if catalogue.fees and ordered
        else None
    )
    if not totals:
        return OrderRecap(review=review, totals=totals, vintage=vintage, vintage_choices=choices)
    keyed = list(zip([line.beneficiary.pk for line in ordered], totals.lines, strict=True))
    per_beneficiary = beneficiary_totals(keyed_lines=keyed)
    year = delivery.date.year if delivery.date else timezone.localdate().year
    ceiling = ceiling_for(year, catalogue.ceilings)
    warnings = {}
    if ceiling is not None:
        warnings = ceiling_warnings(
            employer_share_this_year_by_beneficiary=employer_share_this_year(
                organization=organization, year=year
            ),
            this_order_by_beneficiary={
                key: value.employer_share for key, value in per_beneficiary.items()
            },
            ceiling=ceiling,
        )
    by_pk: dict[int, list[tuple[DraftLine, LineAmounts]]] = {}
    for line, amounts in zip(ordered, totals.lines, strict=True):
        by_pk.setdefault(line.beneficiary.pk, []).append((line, amounts))
    categories = catalogue.catalogue.categories
    groups = [
        RecapGroup(
            beneficiary=pairs[0][0].beneficiary,
            lines=[
                RecapLine(
                    line=line, amounts=amounts, category=categories[line.usage_category_id].label
                )
                for line, amounts in pairs
            ],
            totals=per_beneficiary[pk],
            warning=warnings.get(pk),
        )
        for pk, pairs in by_pk.items()
    ]
    return OrderRecap(
        review=review, totals=totals, groups=groups, vintage=vintage, vintage_choices=choices
    )
