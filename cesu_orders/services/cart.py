"""The order table and « Mon panier »: the lines a manager edits, the rules they must
follow, and the one open cart a financeur's managers share.

A table line is a `DraftLine`; the same rules check it when the manager saves the cart,
clicks « Commander » and validates the order, so that the three never disagree.
"""

import datetime
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from common.db import insert_rows
from common.exceptions import DomainError
from common.formats import french_datetime
from common.text import parse_count

from ..delivery_calendar import TransportMode, check_delivery_date
from ..models import (
    Beneficiary,
    Cart,
    CartLine,
    DeliveryAddress,
    DeliveryTarget,
    Vintage,
    VoucherFormat,
)
from ..pricing import (
    FeeSchedule,
    LineAmounts,
    LineInput,
    OrderTotals,
    line_amounts,
    order_totals,
)
from ..selectors import Catalogue, SavedLine, TableBeneficiary

NBSP = "\u00a0"
CENT = Decimal("0.01")
MAX_BOOKLETS = 100
ALSACE_MOSELLE = ("57", "67", "68")

# Read once: `VoucherFormat.values` and `VoucherFormat(value)` rebuild lists and look
# enum members up, for each of 2,000 lines.
FORMAT_LABELS = dict(VoucherFormat.choices)

EMPTY_ORDER = "Saisissez au moins un carnet pour un bénéficiaire avant de commander."


class CartChanged(DomainError):
    """The cart was saved or validated by someone else since this manager opened it; the
    message says who changed it and when (the cart's `updated_by` should be loaded)."""

    def __init__(self, cart: Cart | None):
        super().__init__(_changed_message(cart))
        self.cart = cart


def _changed_message(cart: Cart | None) -> str:
    if cart is None or cart.updated_at is None:
        return "Le panier a changé depuis que vous l’avez ouvert."
    who = cart.updated_by.get_full_name() or cart.updated_by.username if cart.updated_by else "—"
    return (
        f"Le panier a été modifié par {who} le {french_datetime(cart.updated_at)} depuis que "
        f"vous l’avez ouvert{NBSP}: votre saisie n’a pas été enregistrée. Ouvrez le panier "
        "enregistré pour voir ses changements, puis reprenez votre saisie."
    )


@dataclass(kw_only=True, slots=True)
class DraftLine:
    """One line of the order table. A value the manager typed that is not valid is None,
    with its text kept in `raw` to show it back next to the error. `beneficiary` is a
    `TableBeneficiary` (the tuple the pages read) or a Beneficiary."""

    beneficiary: TableBeneficiary | Beneficiary
    usage_category_id: int | None
    voucher_format: str
    booklets: int | None
    vouchers_per_booklet: int | None
    face_value: Decimal | None
    employer_share: Decimal | None
    raw: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def electronic(self) -> bool:
        return self.voucher_format == VoucherFormat.ELECTRONIC

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS[self.voucher_format]

    @property
    def is_ordered(self) -> bool:
        """A valid line with at least one booklet: lines left at zero are not ordered."""
        return not self.errors and bool(self.booklets)

    def pricing_input(self) -> LineInput:
        return LineInput(
            booklets=self.booklets,
            vouchers_per_booklet=self.vouchers_per_booklet,
            face_value=self.face_value,
            employer_share_percent=self.employer_share,
            electronic=self.electronic,
        )


def default_line(beneficiary, *, usual_booklets: bool = True) -> DraftLine:
    """The bénéficiaire's usual values, its usual number of booklets included (« Nombre de
    carnets commandés d’habitude »), or none when `usual_booklets` is False."""
    return DraftLine(
        beneficiary=beneficiary,
        usage_category_id=beneficiary.usual_usage_category_id,
        voucher_format=beneficiary.usual_format,
        booklets=beneficiary.usual_booklets if usual_booklets else 0,
        vouchers_per_booklet=beneficiary.usual_vouchers_per_booklet,
        face_value=beneficiary.usual_face_value,
        employer_share=beneficiary.usual_employer_share,
    )


def copy_line(line: DraftLine) -> DraftLine:
    """The « + »: another line for the same bénéficiaire, with its values and no booklet."""
    return DraftLine(
        beneficiary=line.beneficiary,
        usage_category_id=line.usage_category_id,
        voucher_format=line.voucher_format,
        booklets=0,
        vouchers_per_booklet=line.vouchers_per_booklet,
        face_value=line.face_value,
        employer_share=line.employer_share,
    )


def table_lines_edit(
    lines: list[DraftLine], *, add: int | None = None, remove: int | None = None
) -> list[DraftLine]:
    """The « + » (another line for the same bénéficiaire, right below its last one) and
    the removal of a line; a bénéficiaire keeps at least one line. An index out of range
    changes nothing."""
    lines = list(lines)
    if add is not None and add < len(lines):
        pk = lines[add].beneficiary.pk
        index = add
        while index + 1 < len(lines) and lines[index + 1].beneficiary.pk == pk:
            index += 1
        lines.insert(index + 1, copy_line(lines[add]))
    elif remove is not None and remove < len(lines):
        pk = lines[remove].beneficiary.pk
        if sum(line.beneficiary.pk == pk for line in lines) > 1:
            del lines[remove]
    return lines


def table_lines(
    beneficiaries: list[TableBeneficiary], saved_lines: list[SavedLine]
) -> tuple[list[DraftLine], int]:
    """Every active bénéficiaire in alphabetical order, each with its saved lines (the
    cart's, or a past order's). Without any saved line, every bénéficiaire starts from its
    usual values and usual number of booklets; with some, a bénéficiaire left out of them
    starts at zero booklets (the saved cart or order is what the manager chose). Returns
    the lines and how many saved lines were dropped because their bénéficiaire is no
    longer active."""
    by_beneficiary: dict[int, list[SavedLine]] = {}
    for saved in saved_lines:
        by_beneficiary.setdefault(saved.beneficiary_id, []).append(saved)
    usual = not saved_lines
    lines = []
    for beneficiary in beneficiaries:
        saved = by_beneficiary.pop(beneficiary.pk, None)
        if not saved:
            lines.append(default_line(beneficiary, usual_booklets=usual))
            continue
        lines.extend(
            DraftLine(
                beneficiary=beneficiary,
                usage_category_id=line.usage_category_id,
                voucher_format=line.voucher_format,
                booklets=line.booklets,
                vouchers_per_booklet=line.vouchers_per_booklet,
                face_value=line.face_value,
                employer_share=line.employer_share,
            )
            for line in saved
        )
    return lines, sum(len(rest) for rest in by_beneficiary.values())


# The rules of a line


def parse_line(beneficiary: Beneficiary, raw: dict[str, str], catalogue: Catalogue) -> DraftLine:
    """A line from what the manager typed, checked against the catalogue."""
    line = DraftLine(
        beneficiary=beneficiary,
        usage_category_id=_parse_int(raw.get("category")),
        voucher_format=raw.get("format", ""),
        booklets=_parse_int(raw.get("booklets") or "0"),
        vouchers_per_booklet=_parse_int(raw.get("per_booklet")),
        face_value=_parse_decimal(raw.get("face_value")),
        employer_share=_parse_decimal(raw.get("share")),
        raw=raw,
    )
    check_line(line, catalogue)
    return line


# Each rule's message follows the bénéficiaire's name (« Martin Paul : choisissez … »);
# the payroll import shows it in the cell it is about (services/payroll_import.py).
CATEGORY = "choisissez une catégorie d’utilisation proposée."
VOUCHER_FORMAT = "choisissez papier ou e-CESU."
BOOKLETS = f"le nombre de carnets est un nombre entier de 0 à {MAX_BOOKLETS}."
VOUCHERS_PER_BOOKLET = "choisissez un nombre de titres par carnet proposé."
FACE_VALUE = "choisissez une valeur faciale proposée."
EMPLOYER_SHARE = "la part patronale est un pourcentage de 0 à 100."
NO_EMAIL = (
    f"n’a pas d’adresse e-mail{NBSP}: elle est obligatoire pour un e-CESU. Complétez sa "
    "fiche ou choisissez le papier."
)
# The values a broken rule clears (the format stays, to show it back).
CLEARED = ("usage_category_id", "booklets", "vouchers_per_booklet", "face_value", "employer_share")


def line_errors(line: DraftLine, catalogue: Catalogue) -> dict[str, str]:
    """The message of each rule the line breaks, by field (`email` for an e-CESU line
    whose bénéficiaire has no address). Changes nothing."""
    errors = {}
    if line.usage_category_id not in catalogue.categories:
        errors["usage_category_id"] = CATEGORY
    if line.voucher_format not in FORMAT_LABELS:
        errors["voucher_format"] = VOUCHER_FORMAT
    if line.booklets is None or not 0 <= line.booklets <= MAX_BOOKLETS:
        errors["booklets"] = BOOKLETS
    if line.vouchers_per_booklet not in catalogue.booklet_sizes:
        errors["vouchers_per_booklet"] = VOUCHERS_PER_BOOKLET
    if line.face_value not in catalogue.face_values:
        errors["face_value"] = FACE_VALUE
    if line.employer_share is None or not (
        0 <= line.employer_share <= 100
        and line.employer_share == line.employer_share.quantize(CENT)
    ):
        errors["employer_share"] = EMPLOYER_SHARE
    if (
        line.electronic
        and "booklets" not in errors
        and line.booklets
        and not line.beneficiary.email
    ):
        errors["email"] = NO_EMAIL
    return errors


def check_line(line: DraftLine, catalogue: Catalogue) -> None:
    """Adds to `line.errors` the French message of each rule it breaks."""
    name = str(line.beneficiary)
    for field_name, message in line_errors(line, catalogue).items():
        line.errors.append(
            f"{name} {message}" if field_name == "email" else f"{name}{NBSP}: {message}"
        )
        if field_name in CLEARED:
            setattr(line, field_name, None)


def _parse_int(text: str | None) -> int | None:
    return parse_count(text, max_digits=6)


def _parse_decimal(text: str | None) -> Decimal | None:
    text = (text or "").strip().replace(",", ".")
    if not text or len(text) > 12:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# Delivery


@dataclass(kw_only=True)
class DeliveryChoice:
    target: str = ""
    address: DeliveryAddress | None = None
    transport_mode: str = ""
    date: datetime.date | None = None

    @classmethod
    def of_cart(cls, cart: Cart) -> "DeliveryChoice":
        """The delivery choices saved with the cart."""
        return cls(
            target=cart.delivery_target,
            address=cart.delivery_address,
            transport_mode=cart.transport_mode,
            date=cart.delivery_date,
        )

    @property
    def value(self) -> str:
        """The value of the delivery select: « address-<pk> » or « homes »."""
        if self.target == DeliveryTarget.ADDRESS and self.address:
            return f"address-{self.address.pk}"
        return self.target

    @property
    def to_homes(self) -> bool:
        """Paper booklets go to each bénéficiaire's home."""
        return self.target == DeliveryTarget.HOMES


def table_has_paper(lines: list[DraftLine]) -> bool:
    """Whether the table's delivery needs the paper choices (address, transport): when a
    paper line is ordered, or while nothing is ordered yet."""
    ordered = [line for line in lines if line.is_ordered]
    return not ordered or any(not line.electronic for line in ordered)


def calendar_postcode(lines: list[DraftLine], delivery: DeliveryChoice) -> str | None:
    """The postcode whose public holidays apply: the delivery address's, or for a delivery
    to the bénéficiaires' homes an Alsace-Moselle one when any paper line goes there
    (its holidays include the national ones). None for e-CESU only."""
    paper = [line for line in lines if line.is_ordered and not line.electronic]
    if not paper:
        return None
    if delivery.target == DeliveryTarget.ADDRESS and delivery.address:
        return delivery.address.postcode
    for line in paper:
        if line.beneficiary.postcode[:2] in ALSACE_MOSELLE:
            return line.beneficiary.postcode
    return None


def check_delivery(
    lines: list[DraftLine], delivery: DeliveryChoice, *, today: date, vintages: dict[int, Vintage]
) -> dict[str, str]:
    """The errors of the delivery choices, by field (delivery, transport_mode,
    delivery_date), for an order of `lines`."""
    errors = {}
    paper = [line for line in lines if line.is_ordered and not line.electronic]
    if paper:
        if not delivery.target or (
            delivery.target == DeliveryTarget.ADDRESS and delivery.address is None
        ):
            errors["delivery"] = "Choisissez où livrer les carnets papier."
        elif delivery.target == DeliveryTarget.HOMES:
            missing = [str(line.beneficiary) for line in paper if not _has_home(line.beneficiary)]
            if missing:
                errors["delivery"] = (
                    "Adresse du domicile incomplète pour "
                    + ", ".join(sorted(set(missing)))
                    + f"{NBSP}: complétez leur fiche ou livrez à une adresse du financeur."
                )
        if delivery.transport_mode not in TransportMode.values:
            errors["transport_mode"] = "Choisissez un mode de transport."
    if delivery.date is None:
        errors["delivery_date"] = "Choisissez la date de livraison à l’aide du calendrier."
    elif "transport_mode" not in errors:
        try:
            check_delivery_date(
                delivery.date,
                today=today,
                mode=delivery.transport_mode or None,
                electronic=not paper,
                postcode=calendar_postcode(lines, delivery),
            )
        except ValidationError as error:
            errors["delivery_date"] = " ".join(error.messages)
        else:
            if delivery.date.year not in vintages:
                errors["delivery_date"] = (
                    f"Le millésime {delivery.date.year} n’est pas encore disponible{NBSP}: "
                    "choisissez une date plus proche."
                )
    return errors


def _has_home(beneficiary: Beneficiary) -> bool:
    return bool(beneficiary.address and beneficiary.postcode and beneficiary.city)


CART_LINE_FIELDS = [
    "cart",
    "position",
    "beneficiary",
    "usage_category",
    "voucher_format",
    "booklets",
    "vouchers_per_booklet",
    "face_value",
    "employer_share",
]


# Totals


def draft_totals(
    lines: list[DraftLine], fees: FeeSchedule, transport_mode: str
) -> OrderTotals | None:
    """The totals of the ordered lines (their amounts in `lines`, in order), or None when
    nothing is ordered yet. A paper order without a transport mode yet is priced with the
    standard one. Each distinct line is priced once (a big order holds a handful)."""
    ordered = [line for line in lines if line.is_ordered]
    if not ordered:
        return None
    mode = transport_mode if transport_mode in TransportMode.values else TransportMode.STANDARD
    return order_totals(lines=ordered, fees=fees, transport_mode=mode, amounts=_amounts(ordered))


def _amounts(lines: list[DraftLine]) -> list[LineAmounts]:
    known: dict[tuple, LineAmounts] = {}
    amounts = []
    for line in lines:
        key = (line.booklets, line.vouchers_per_booklet, line.face_value, line.employer_share,
               line.voucher_format)  # fmt: skip
        found = known.get(key)
        if found is None:
            found = known[key] = line_amounts(line.pricing_input())
        amounts.append(found)
    return amounts


def table_prices(
    lines: list[DraftLine], fees: FeeSchedule | None, transport_mode: str
) -> tuple[OrderTotals | None, list[LineAmounts | None]]:
    """The order table's money, each line priced once: the totals (None before anything
    is ordered, or without published fees) and each line's amounts (None for a line not
    ordered), in the table's order."""
    if fees is not None:
        totals = draft_totals(lines, fees, transport_mode)
        ordered_amounts = totals.lines if totals else ()
    else:
        totals = None
        ordered_amounts = _amounts([line for line in lines if line.is_ordered])
    amounts = iter(ordered_amounts)
    return totals, [next(amounts) if line.is_ordered else None for line in lines]


# The cart


@transaction.atomic
def cart_save(
    *,
    organization: Organization,
    user: User,
    version: int,
    lines: list[DraftLine],
    delivery: DeliveryChoice,
) -> Cart:
    """Replaces the cart by the ordered `lines` and the delivery choices, in a constant
    number of queries (one INSERT for every line: `common.db.insert_rows`). Refused with
    `CartChanged` when the cart is no longer at `version`, the one the manager opened:
    nobody's work is overwritten unseen."""
    Cart.objects.get_or_create(organization=organization)
    cart = (
        Cart.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(organization=organization)
    )
    if cart.version != version:
        raise CartChanged(cart)
    cart.lines.all().delete()
    insert_rows(
        CartLine,
        CART_LINE_FIELDS,
        (
            (cart.pk, position, line.beneficiary.pk, line.usage_category_id,
             line.voucher_format, line.booklets, line.vouchers_per_booklet, line.face_value,
             line.employer_share)
            for position, line in enumerate(line for line in lines if line.is_ordered)
        ),
    )  # fmt: skip
    cart.version += 1
    cart.delivery_target = delivery.target
    cart.delivery_address = delivery.address
    cart.transport_mode = delivery.transport_mode
    cart.delivery_date = delivery.date
    cart.updated_by = user
    cart.updated_at = timezone.now()
    cart.save()
    return cart
