"""« Commandes » › « Commander », for the financeur's managers (primary and secondary):
the order table pre-filled with every active bénéficiaire, « Mon panier » saved and
shared by the managers, and the delivery calendar that htmx redraws. The rows themselves
are built by `cesu_orders.html_rows`.

The table is compact by default: each select's options are sent once per page and a
script copies them into the rows (html_rows). A browser without JavaScript is sent to
the full table (`?complet=1`, every row with its options) by a `<noscript>` refresh, and
its posts carry `complet` so that its answers stay full; a page with messages to show is
full too, so that the refresh never swallows them."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.text import parse_count

from .. import selectors
from ..access import funder_manager_required, order_for
from ..delivery_calendar import TransportMode, calendar_months, check_delivery_date, format_day
from ..forms.orders import parse_table
from ..html_rows import order_table_option_lists, order_table_rows
from ..models import Cart, DeliveryTarget, Order
from ..selectors import OrderCatalogue
from ..services.cart import (
    EMPTY_ORDER,
    CartChanged,
    DeliveryChoice,
    DraftLine,
    calendar_postcode,
    cart_save,
    check_delivery,
    table_has_paper,
    table_lines,
    table_lines_edit,
    table_prices,
)

SAVED = "Votre panier est sauvegardé. Vous pourrez reprendre votre saisie plus tard."
FULL = "complet"
NBSP = "\u00a0"


@funder_manager_required
def order_table(request):
    """« Commander »: the table pre-filled with every active bénéficiaire. GET opens the
    saved cart, or the lines of a past order (« Rappeler ma dernière commande », « Commander
    à nouveau »); POST adds or removes a line, saves the cart, or goes to the recap."""
    organization = request.organization
    today = timezone.localdate()
    catalogue = OrderCatalogue.load(today=today)
    beneficiaries = selectors.order_table_beneficiaries(organization)
    addresses = selectors.delivery_addresses(organization)
    if request.method == "POST":
        return _table_post(request, catalogue, beneficiaries, addresses, today)
    cart, cart_lines = selectors.cart_load(organization)
    version = cart.version if cart else 0
    source = _reorder_source(request)
    delivery = DeliveryChoice()
    if source is not None:
        lines, dropped = table_lines(beneficiaries, selectors.order_saved_lines(source))
        messages.info(
            request,
            f"Le tableau reprend la commande {source.number} du "
            f"{format_day(timezone.localdate(source.created_at))}. Vérifiez-le, choisissez la "
            "date de livraison puis cliquez sur «\u00a0Commander\u00a0».",
        )
    else:
        lines, dropped = table_lines(beneficiaries, cart_lines)
        if cart:
            delivery = DeliveryChoice.of_cart(cart)
    if dropped:
        messages.warning(
            request,
            f"{dropped} ligne(s) concernaient des bénéficiaires archivés depuis et ont été "
            "retirées du tableau.",
        )
    return _table_page(
        request, catalogue=catalogue, lines=lines, delivery=delivery, version=version,
        addresses=addresses, today=today, cart=cart if cart_lines else None,
    )  # fmt: skip


def _reorder_source(request) -> Order | None:
    """The past order whose lines fill the table: ?depuis=<public id>, or « derniere »."""
    wanted = request.GET.get("depuis")
    if not wanted:
        return None
    if wanted == "derniere":
        order = selectors.order_latest(request.organization)
        if order is None:
            messages.info(request, "Vous n’avez pas encore passé de commande en ligne.")
        return order
    return order_for(request, wanted)


def _table_post(request, catalogue, beneficiaries, addresses, today):
    submission = parse_table(
        request.POST,
        beneficiaries=beneficiaries,
        addresses=addresses,
        catalogue=catalogue.catalogue,
    )
    lines, delivery = submission.lines, submission.delivery
    page = {
        "catalogue": catalogue,
        "delivery": delivery,
        "version": submission.version,
        "addresses": addresses,
        "today": today,
    }
    if "add_line" in request.POST or "remove_line" in request.POST:
        lines = table_lines_edit(
            lines,
            add=parse_count(request.POST.get("add_line")),
            remove=parse_count(request.POST.get("remove_line")),
        )
        return _table_page(request, lines=lines, **page, problems=submission.problems)
    action = request.POST.get("action")
    problems = submission.problems + submission.line_errors
    delivery_errors = dict(submission.delivery_errors)
    if action == "order":
        if not any(line.is_ordered for line in lines):
            problems.append(EMPTY_ORDER)
        for name, message in check_delivery(
            lines, delivery, today=today, vintages=catalogue.vintages
        ).items():
            delivery_errors.setdefault(name, message)
    if problems or delivery_errors:
        return _table_page(
            request, lines=lines, **page, problems=problems, delivery_errors=delivery_errors,
            status=400,
        )  # fmt: skip
    try:
        cart_save(
            organization=request.organization,
            user=request.user,
            version=submission.version,
            lines=lines,
            delivery=delivery,
        )
    except CartChanged as changed:
        return _table_page(
            request, lines=lines, **page, problems=changed.messages, cart_changed=True,
            status=409,
        )  # fmt: skip
    if action == "order":
        return redirect("cesu_orders:order_recap")
    messages.success(request, SAVED)
    table = reverse("cesu_orders:order_table")
    return redirect(f"{table}?{FULL}=1" if FULL in request.POST else table)


def _table_page(
    request,
    *,
    catalogue: OrderCatalogue,
    lines: list[DraftLine],
    delivery: DeliveryChoice,
    version: int,
    addresses: dict,
    today: date,
    cart: Cart | None = None,
    problems: list[str] = (),
    delivery_errors: dict | None = None,
    cart_changed: bool = False,
    status: int = 200,
):
    totals, amounts = table_prices(lines, catalogue.fees, delivery.transport_mode)
    has_paper = table_has_paper(lines)
    compact = _is_compact(request)
    context = {
        "rows_html": order_table_rows(lines, amounts, catalogue.catalogue, compact=compact),
        "option_lists": order_table_option_lists(catalogue.catalogue) if compact else "",
        "full_table_url": _full_table_url(request) if compact else "",
        "row_count": len(lines),
        "totals": totals,
        "vouchers_total": sum(a.vouchers for a in totals.lines) if totals else 0,
        "version": version,
        "cart": cart,
        "cart_changed": cart_changed,
        "problems": problems,
        "delivery": delivery,
        "delivery_errors": delivery_errors or {},
        "addresses": [
            {"value": f"address-{a.pk}", "label": f"{a.label} – {a.address}, {a.postcode} {a.city}"}
            for a in addresses.values()
        ],
        "transport_modes": _transport_modes(catalogue),
        "has_paper": has_paper,
        "calendar": _calendar_context(
            today=today,
            delivery=delivery,
            has_paper=has_paper,
            postcode=calendar_postcode(lines, delivery) if has_paper else None,
            errors=(delivery_errors or {}).get("delivery_date"),
        ),
        "homes_postcode": calendar_postcode(
            lines,
            DeliveryChoice(target=DeliveryTarget.HOMES, transport_mode=delivery.transport_mode),
        )
        or "",
        "fees": catalogue.fees,
    }
    return render(request, "cesu_orders/order_table.html", context, status=status)


def _is_compact(request) -> bool:
    """The compact table, unless the browser asked for the full one (no JavaScript) or
    the page has messages that a refresh would lose."""
    asked_full = FULL in (request.POST if request.method == "POST" else request.GET)
    return not asked_full and not len(messages.get_messages(request))


def _full_table_url(request) -> str:
    query = request.GET.copy()
    query[FULL] = "1"
    return f"{request.path}?{urlencode(query)}"


def _transport_modes(catalogue: OrderCatalogue) -> list[dict]:
    fees = catalogue.fees.per_transport_mode if catalogue.fees else {}
    return [
        {"value": mode.value, "label": mode.label, "fee": fees.get(mode)} for mode in TransportMode
    ]


def _calendar_context(
    *, today: date, delivery: DeliveryChoice, has_paper: bool, postcode: str | None, errors
) -> dict:
    mode = delivery.transport_mode or TransportMode.STANDARD
    return {
        "months": calendar_months(
            today=today,
            mode=mode,
            electronic=not has_paper,
            postcode=postcode,
            selected=delivery.date,
        ),
        "field_name": "delivery_date",
        "errors": [errors] if errors else [],
    }


@require_GET
@funder_manager_required
def order_calendar(request):
    """The calendar alone, redrawn by htmx when the transport mode or the address changes.
    The day chosen stays chosen when the new mode and address still allow it; otherwise
    it is cleared and a notice next to the calendar says why."""
    addresses = selectors.delivery_addresses(request.organization)
    target = request.GET.get("delivery", "")
    address = None
    if target.startswith("address-"):
        address = addresses.get(parse_count(target.removeprefix("address-")))
    has_paper = request.GET.get("has_paper") != "0"
    postcode = address.postcode if address else request.GET.get("homes_postcode", "")[:5]
    postcode = (postcode or None) if has_paper else None
    delivery = DeliveryChoice(
        transport_mode=request.GET.get("transport_mode", "")
        if request.GET.get("transport_mode") in TransportMode.values
        else "",
    )
    try:
        delivery.date = date.fromisoformat(request.GET.get("delivery_date", ""))
    except ValueError:
        delivery.date = None
    today = timezone.localdate()
    notice = ""
    if delivery.date is not None:
        try:
            check_delivery_date(
                delivery.date,
                today=today,
                mode=delivery.transport_mode or TransportMode.STANDARD,
                electronic=not has_paper,
                postcode=postcode,
            )
        except ValidationError as refused:
            notice = (
                f"La date choisie, le {format_day(delivery.date, weekday=True)}, a été retirée "
                f"du calendrier{NBSP}: elle n’est plus possible avec ce mode de transport et "
                f"cette adresse. {' '.join(refused.messages)}"
            )
            delivery.date = None
    context = _calendar_context(
        today=today, delivery=delivery, has_paper=has_paper, postcode=postcode, errors=None
    )
    context["notice"] = notice
    return render(request, "cesu_orders/includes/delivery_calendar_update.html", context)
