"""« Télécharger un devis » on the recap: a numbered quote of the cart as it is, valid 30
days, that the financeur's accounts department approves before a manager clicks
« Valider la commande ». It is priced by the same rules as the recap and the order
(`cart_review`, `recap_price`), frozen when issued, and its PDF is rendered once by a
task (a cart of 2,000 lines makes a long PDF)."""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from sequences import get_next_value

from accounts.models import Organization, User
from common.exceptions import DomainError
from common.queue import enqueue_on_commit
from notifications.pdf import render_pdf

from ..delivery_calendar import TransportMode
from ..models import Cart, DeliveryTarget, Funder, Quote
from ..selectors import OrderCatalogue
from .cart import CartChanged
from .recap import OrderRecap, VintageRefused, cart_review, recap_price, vintage_pick

QUOTE_VALIDITY_DAYS = 30
NO_FUNDER = (
    "Le profil de votre organisation est incomplet (référence client, SIRET)\u00a0: "
    "contactez le service clients pour le compléter avant de demander un devis."
)


class QuoteRefused(DomainError):
    """The cart cannot be quoted as it is; `messages` say why."""


@transaction.atomic
def quote_create(
    *, organization: Organization, user: User, version: int, vintage_year: int | None
) -> Quote:
    """A quote of the cart at `version` (refused with `CartChanged` when it changed since
    the manager opened the recap), with the millésime chosen on the recap, numbered
    DEV-<year>-000001 on."""
    cart = (
        Cart.objects.select_for_update(of=("self",))
        .select_related("updated_by", "delivery_address")
        .filter(organization=organization)
        .first()
    )
    if cart is None or cart.version != version:
        raise CartChanged(cart)
    now = timezone.now()
    today = timezone.localdate(now)
    catalogue = OrderCatalogue.load(today=today)
    review = cart_review(cart=cart, catalogue=catalogue, today=today)
    if review.problems:
        raise QuoteRefused(review.problems)
    funder = Funder.objects.filter(organization=organization).first()
    if funder is None:
        raise QuoteRefused(NO_FUNDER)
    recap = recap_price(
        review=review,
        catalogue=catalogue,
        organization=organization,
        today=today,
        vintage_year=vintage_year,
    )
    try:
        vintage = vintage_pick(recap.vintage_choices, vintage_year, delivery=review.delivery.date)
    except VintageRefused as refused:
        raise QuoteRefused(refused.messages) from refused
    totals = recap.totals
    quote = Quote.objects.create(
        organization=organization,
        number=f"DEV-{today.year}-{get_next_value(f'cesu-DEV-{today.year}'):06d}",
        created_by=user,
        created_at=now,
        valid_until=today + timedelta(days=QUOTE_VALIDITY_DAYS),
        cart_version=cart.version,
        vintage_year=vintage.year,
        vintage_valid_until=vintage.valid_until,
        delivery_date=review.delivery.date,
        face_total=totals.face_total,
        employer_share_total=totals.employer_share_total,
        fees_excl_vat=totals.fees_excl_vat,
        vat_rate=totals.vat_rate,
        vat=totals.vat,
        total_to_pay=totals.total_to_pay,
        content=_content(recap, funder),
    )
    enqueue_on_commit("cesu_orders.tasks.render_quote_pdf", quote.pk)
    return quote


def _content(recap: OrderRecap, funder: Funder) -> dict:
    """What the quote's PDF shows, frozen: lines, per-bénéficiaire subtotals and ceiling
    warnings, fees and delivery, amounts as strings."""
    totals = recap.totals
    delivery = recap.delivery
    if not recap.has_paper:
        where = ""
    elif delivery.target == DeliveryTarget.HOMES:
        where = "Au domicile de chaque bénéficiaire"
    else:
        address = delivery.address
        where = f"{address.recipient}, {address.address}, {address.postcode} {address.city}"
    return {
        "client_reference": funder.client_reference,
        "groups": [
            {
                "beneficiary": str(group.beneficiary),
                "vouchers": group.totals.vouchers,
                "face_total": str(group.totals.face_total),
                "employer_share": str(group.totals.employer_share),
                "ceiling_excess": str(group.warning.excess) if group.warning else "",
                "lines": [
                    {
                        "category": line.category,
                        "format": line.line.format_label,
                        "booklets": line.line.booklets,
                        "per_booklet": line.line.vouchers_per_booklet,
                        "face_value": str(line.amounts.face_value),
                        "face_total": str(line.amounts.face_total),
                        "employer_share": str(line.amounts.employer_share),
                        "employee_share": str(line.amounts.employee_share),
                    }
                    for line in group.lines
                ],
            }
            for group in recap.groups
        ],
        "fees": {
            "order": str(totals.order_fee),
            "booklets": str(totals.booklet_fee),
            "electronic_credits": str(totals.electronic_credit_fee),
            "transport": str(totals.transport_fee),
        },
        "employee_share_total": str(totals.employee_share_total),
        "delivery": {
            "address": where,
            "transport_mode": TransportMode(delivery.transport_mode).label
            if recap.has_paper and delivery.transport_mode in TransportMode.values
            else "",
        },
    }


@transaction.atomic
def quote_render_pdf(*, quote_id: int) -> Quote:
    """Renders and stores the quote's PDF once; a second call keeps the first file."""
    quote = (
        Quote.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=quote_id)
    )
    if not quote.pdf:
        funder = Funder.objects.get(organization_id=quote.organization_id)
        pdf = render_pdf(
            "pdf/cesu_quote.html",
            {
                "quote": quote,
                "funder": funder,
                "issuer": settings.CESU_ISSUER,
                "validity_days": QUOTE_VALIDITY_DAYS,
            },
        )
        quote.pdf.save(f"{quote.number}.pdf", ContentFile(pdf))
    return quote
