"""Orders: validating the cart into an order, and every later move of the order state
machine (prise en charge, fabrication, expédition, livraison, annulation).

Each move goes through `common.transitions.status_move` (the portal's one status-change
contract): it locks the order row, refuses a move that `Order.TRANSITIONS` does not allow
from the status read under the lock, saves, writes the `OrderEvent`; the move then queues
its e-mails on commit.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from sequences import get_next_value

from accounts.models import Membership, Organization, User
from accounts.selectors import active_members
from common.db import insert_rows
from common.exceptions import DomainError, TransitionRefused
from common.transitions import status_move
from notifications.services import notify

from ..carriers import (
    TRACKING_URLS,
    Carrier,
    is_valid_tracking_number,
    normalize_tracking_number,
)
from ..delivery_calendar import format_day
from ..models import (
    Cart,
    DeliveryTarget,
    Funder,
    Invoice,
    Order,
    OrderLine,
    OrderStatus,
    TermsOfSale,
    Vintage,
)
from ..selectors import OrderCatalogue, order_groups
from .cart import CartChanged, DeliveryChoice, draft_totals
from .ecesu import ecesu_credits_notify
from .invoices import credit_note_issue, invoice_issue
from .recap import CartReview, VintageRefused, cart_review, vintage_choices, vintage_pick

NBSP = "\u00a0"
NO_FUNDER = (
    "Le profil de votre organisation est incomplet (référence client, SIRET)\u00a0: "
    "contactez le service clients pour le compléter avant de commander."
)
TERMS_GONE = "Les conditions générales de vente ont changé\u00a0: relisez-les."


class OrderRefused(DomainError):
    """The order cannot be placed or moved; `messages` say why, in French."""


class OrderMoveRefused(OrderRefused, TransitionRefused):
    """A move that `Order.TRANSITIONS` does not allow from the order's status."""


# From the cart to the order


@transaction.atomic
def order_place(
    *,
    organization: Organization,
    user: User,
    version: int,
    terms: TermsOfSale | None,
    vintage_year: int | None = None,
) -> Order:
    """« Valider la commande »: turns the cart at `version` into an order, its lines (every
    value copied), its invoice and its « prise en charge », and empties the cart. The cart
    row is locked first, so two validations of the same cart place one order: the second
    finds the cart emptied and raises `CartChanged`. `terms` is the version the manager
    ticked (None: that version no longer exists)."""
    if terms is None:
        raise OrderRefused(TERMS_GONE)
    cart = (
        Cart.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(organization=organization)
        .first()
    )
    if cart is None or cart.version != version:
        raise CartChanged(cart)
    now = timezone.now()
    today = timezone.localdate(now)
    catalogue = OrderCatalogue.load(today=today)
    if catalogue.terms is None or catalogue.terms.pk != terms.pk:
        raise OrderRefused(
            [
                "Les conditions générales de vente ont été mises à jour"
                f"{NBSP}: lisez la nouvelle version et cochez-la de nouveau."
            ]
        )
    review = cart_review(cart=cart, catalogue=catalogue, today=today)
    if review.problems:
        raise OrderRefused(review.problems)
    if not Funder.objects.filter(organization=organization).exists():
        raise OrderRefused([NO_FUNDER])
    choices = vintage_choices(delivery=review.delivery.date, today=today, catalogue=catalogue)
    try:
        vintage = vintage_pick(choices, vintage_year, delivery=review.delivery.date)
    except VintageRefused as refused:
        raise OrderRefused(refused.messages, field=refused.field) from refused
    order = _order_create(
        organization=organization,
        user=user,
        review=review,
        catalogue=catalogue,
        terms=terms,
        vintage=vintage,
        now=now,
    )
    cart.lines.all().delete()
    cart.version += 1
    cart.delivery_target, cart.delivery_address = "", None
    cart.transport_mode, cart.delivery_date = "", None
    cart.updated_by, cart.updated_at = user, now
    cart.save()
    order.events.create(to_status=OrderStatus.VALIDATED, actor=user, created_at=now)
    invoice_issue(order=order)
    _move(order, to=OrderStatus.RECEIVED, actor=None, note="Prise en charge automatique.")
    return order


def _order_create(
    *,
    organization: Organization,
    user: User,
    review: CartReview,
    catalogue: OrderCatalogue,
    terms: TermsOfSale,
    vintage: Vintage,
    now,
) -> Order:
    delivery = review.delivery
    ordered = review.ordered
    has_paper = any(not line.electronic for line in ordered)
    totals = draft_totals(ordered, catalogue.fees, delivery.transport_mode)
    funder = Funder.objects.get(organization=organization)
    address = _delivery_address(funder, delivery) if has_paper else {}
    order = Order.objects.create(
        organization=organization,
        number=_order_number(timezone.localdate(now).year),
        created_by=user,
        created_at=now,
        client_reference=funder.client_reference,
        vintage_year=vintage.year,
        vintage_valid_until=vintage.valid_until,
        delivery_target=delivery.target if has_paper else "",
        transport_mode=delivery.transport_mode if has_paper else "",
        delivery_date=delivery.date,
        terms=terms,
        terms_accepted_at=now,
        face_total=totals.face_total,
        employer_share_total=totals.employer_share_total,
        employee_share_total=totals.employee_share_total,
        order_fee=totals.order_fee,
        booklet_fee=totals.booklet_fee,
        electronic_credit_fee=totals.electronic_credit_fee,
        transport_fee=totals.transport_fee,
        fees_excl_vat=totals.fees_excl_vat,
        vat_rate=totals.vat_rate,
        vat=totals.vat,
        total_to_pay=totals.total_to_pay,
        **address,
    )
    categories = catalogue.catalogue.categories
    insert_rows(
        OrderLine,
        ORDER_LINE_FIELDS,
        (
            (order.pk, position, b.pk, str(b), b.employee_number or "", b.email, b.address,
             b.postcode, b.city, line.usage_category_id,
             categories[line.usage_category_id].label, line.voucher_format, line.booklets,
             line.vouchers_per_booklet, amounts.vouchers, amounts.face_value,
             line.employer_share, amounts.face_total, amounts.employer_share,
             amounts.employee_share)
            for position, (line, amounts) in enumerate(zip(ordered, totals.lines, strict=True))
            for b in (line.beneficiary,)
        ),
    )  # fmt: skip
    return order


# Every value is copied: the line never reads the bénéficiaire or the catalogue again.
ORDER_LINE_FIELDS = [
    "order",
    "position",
    "beneficiary",
    "beneficiary_name",
    "employee_number",
    "beneficiary_email",
    "beneficiary_address",
    "beneficiary_postcode",
    "beneficiary_city",
    "usage_category",
    "usage_category_label",
    "voucher_format",
    "booklets",
    "vouchers_per_booklet",
    "vouchers",
    "face_value",
    "employer_share_percent",
    "face_total",
    "employer_share",
    "employee_share",
]


def _order_number(year: int) -> str:
    """« CMD-2026-000042 »: the year in Paris time, like the invoice's."""
    return f"CMD-{year}-{get_next_value(f'cesu-order-{year}'):06d}"


def _delivery_address(funder: Funder, delivery: DeliveryChoice) -> dict:
    if delivery.target == DeliveryTarget.HOMES:
        return {"delivery_recipient": "Domicile de chaque bénéficiaire"}
    address = delivery.address
    return {
        "delivery_recipient": f"{address.recipient} – {funder.legal_name}",
        "delivery_address": address.address,
        "delivery_postcode": address.postcode,
        "delivery_city": address.city,
    }


# Later moves, by platform staff


@transaction.atomic
def order_mark_manufactured(*, order: Order, actor: User, delivery_date: date) -> Order:
    """« Marquer fabriquée »: the vouchers are made; the managers learn the delivery date,
    and each e-CESU bénéficiaire the amount credited to their account."""
    order = _move(
        order,
        to=OrderStatus.MANUFACTURED,
        actor=actor,
        note=f"Livraison prévue le {format_day(delivery_date)}.",
        planned_delivery_date=delivery_date,
    )
    ecesu_credits_notify(order=order)
    return order


@transaction.atomic
def order_mark_shipped(
    *, order: Order, actor: User, tracking_number: str, carrier: str = ""
) -> Order:
    """« Marquer expédiée », with the carrier and its tracking number (spaces removed);
    a carrier with a tracking page needs a number it can look up."""
    tracking_number = normalize_tracking_number(tracking_number)
    if carrier and carrier not in Carrier.values:
        raise OrderRefused("Choisissez un transporteur proposé.", field="carrier")
    if carrier in TRACKING_URLS and not is_valid_tracking_number(tracking_number):
        raise OrderRefused(
            "Le numéro de suivi compte de 8 à 30 lettres et chiffres, sans autre signe.",
            field="tracking_number",
        )
    label = f"{Carrier(carrier).label}, " if carrier else ""
    return _move(
        order,
        to=OrderStatus.SHIPPED,
        actor=actor,
        note=f"{label}numéro de suivi{NBSP}: {tracking_number}",
        tracking_number=tracking_number,
        carrier=carrier,
    )


@transaction.atomic
def order_mark_delivered(*, order: Order, actor: User) -> Order:
    """« Marquer livrée »."""
    return _move(order, to=OrderStatus.DELIVERED, actor=actor, note="")


@transaction.atomic
def order_cancel(*, order: Order, actor: User, reason: str) -> Order:
    """Cancels an order not yet made; its invoice, if any, is cancelled by a credit note."""
    order = _move(order, to=OrderStatus.CANCELLED, actor=actor, note=reason, cancel_reason=reason)
    for invoice in order.invoices.filter(kind=Invoice.Kind.INVOICE, credit_note__isnull=True):
        credit_note_issue(invoice=invoice)
    return order


# Which e-mail each status sends, to the ordering manager and the primary manager(s).
STATUS_EVENTS = {
    OrderStatus.RECEIVED: "cesu_order_received",
    OrderStatus.MANUFACTURED: "cesu_order_manufactured",
    OrderStatus.SHIPPED: "cesu_order_shipped",
    OrderStatus.CANCELLED: "cesu_order_cancelled",
}


def _move(order: Order, *, to: OrderStatus, actor: User | None, note: str, **changes) -> Order:
    """One move of the order through `status_move`, then its e-mail (STATUS_EVENTS)."""

    def refused(current: str, wanted: str) -> OrderMoveRefused:
        return OrderMoveRefused(
            f"La commande {order.number} est «{NBSP}{OrderStatus(current).label.lower()}"
            f"{NBSP}»{NBSP}: elle ne peut pas passer à «{NBSP}"
            f"{OrderStatus(wanted).label.lower()}{NBSP}»."
        )

    status_move(
        order,
        to,
        transitions=Order.TRANSITIONS,
        refused=refused,
        actor=actor,
        note=note,
        **changes,
    )
    event = STATUS_EVENTS.get(to)
    if event:
        _notify_managers(order, event)
    return order


def _notify_managers(order: Order, event: str) -> None:
    """One e-mail per address: the manager who ordered and the primary manager(s)."""
    primary = active_members(order.organization_id, [Membership.Role.PRIMARY])
    recipients = {order.created_by.email: order.created_by} if order.created_by.email else {}
    for membership in primary:
        if membership.user.email:
            recipients.setdefault(membership.user.email, membership.user)
    context = {"order": order, "groups": order_groups(order)}
    for email, user in recipients.items():
        notify(
            event,
            email=email,
            context={**context, "manager": user},
            idempotency_key=f"{event}:{order.public_id}:{user.pk}",
            user=user,
        )
