"""« Espace Commandes » › « Commandes »: the order table and the cart, the recap with
« Valider la commande », the order history, order details, PDFs and the terms of sale."""

from dataclasses import dataclass
from datetime import date
from html import escape

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from accounts.tenancy import get_for_organization_or_404
from common.files import file_response
from common.money import format_euros
from common.templatetags.formats import percent
from common.text import fold, parse_count
from notifications.pdf import render_pdf

from ..access import funder_manager_required
from ..delivery_calendar import TransportMode, calendar_months, format_day
from ..forms.orders import OrderFilterForm, RecapForm, parse_table
from ..models import (
    Beneficiary,
    Cart,
    DeliveryAddress,
    Invoice,
    Order,
    OrderStatus,
    TermsOfSale,
    VoucherFormat,
)
from ..pricing import beneficiary_totals, ceiling_for, ceiling_warnings, line_amounts
from ..selectors import Catalogue, order_groups
from ..services.cart import (
    EMPTY_ORDER,
    CartChanged,
    DeliveryChoice,
    DraftLine,
    OrderCatalogue,
    calendar_postcode,
    cart_load,
    cart_save,
    check_delivery,
    copy_line,
    draft_totals,
    table_lines,
)
from ..services.invoices import invoice_render_pdf
from ..services.orders import (
    CartReview,
    OrderRefused,
    cart_review,
    employer_share_this_year,
    order_place,
)

NBSP = "\u00a0"
PER_PAGE = 25
ALREADY_PLACED = (
    "Ce panier a déjà été validé ou modifié entre-temps\u00a0: aucune nouvelle commande n’a "
    "été passée. Vérifiez l’historique des commandes."
)
EMPTY_CART = (
    "Votre panier est vide. Saisissez votre commande puis cliquez sur «\u00a0Commander\u00a0»."
)
SAVED = "Votre panier est sauvegardé. Vous pourrez reprendre votre saisie plus tard."
PLACED = (
    "Votre commande {number} est enregistrée. Vous recevrez dans quelques minutes un e-mail "
    "vous confirmant sa prise en charge."
)


# The order table


def _active_beneficiaries(organization) -> list[Beneficiary]:
    return list(
        Beneficiary.objects.for_organization(organization)
        .active()
        .only(
            "public_id",
            "last_name",
            "first_name",
            "sort_name",
            "email",
            "address",
            "postcode",
            "city",
            "employee_number",
            "usual_usage_category_id",
            "usual_format",
            "usual_face_value",
            "usual_employer_share",
            "usual_vouchers_per_booklet",
        )
        .order_by("sort_name", "pk")
    )


def _addresses(organization) -> dict[int, DeliveryAddress]:
    return {a.pk: a for a in DeliveryAddress.objects.for_organization(organization)}


@funder_manager_required
def order_table(request):
    """« Commander »: the table pre-filled with every active bénéficiaire. GET opens the
    saved cart, or the lines of a past order (« Rappeler ma dernière commande », « Commander
    à nouveau »); POST adds or removes a line, saves the cart, or goes to the recap."""
    organization = request.organization
    today = timezone.localdate()
    catalogue = OrderCatalogue.load(today=today)
    beneficiaries = _active_beneficiaries(organization)
    addresses = _addresses(organization)
    if request.method == "POST":
        return _table_post(request, catalogue, beneficiaries, addresses, today)
    cart, cart_lines = cart_load(organization)
    version = cart.version if cart else 0
    source = _reorder_source(request)
    delivery = DeliveryChoice()
    if source is not None:
        lines, dropped = table_lines(beneficiaries, list(source.lines.all()))
        messages.info(
            request,
            f"Le tableau reprend la commande {source.number} du "
            f"{format_day(timezone.localdate(source.created_at))}. Vérifiez-le, choisissez la "
            "date de livraison puis cliquez sur «\u00a0Commander\u00a0».",
        )
    else:
        lines, dropped = table_lines(beneficiaries, cart_lines)
        if cart:
            delivery = DeliveryChoice(
                target=cart.delivery_target,
                address=cart.delivery_address,
                transport_mode=cart.transport_mode,
                date=cart.delivery_date,
            )
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
    orders = Order.objects.for_organization(request.organization).prefetch_related("lines")
    if wanted == "derniere":
        order = orders.order_by("-created_at", "-pk").first()
        if order is None:
            messages.info(request, "Vous n’avez pas encore passé de commande en ligne.")
        return order
    return get_for_organization_or_404(orders, request.organization, public_id=wanted)


def _table_post(request, catalogue, beneficiaries, addresses, today):
    organization = request.organization
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
        lines = _edit_lines(request, submission.lines)
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
            organization=organization,
            user=request.user,
            version=submission.version,
            lines=lines,
            delivery=delivery,
        )
    except CartChanged as changed:
        return _table_page(
            request, lines=lines, **page, problems=changed.messages,
            cart_changed=True, status=409,
        )  # fmt: skip
    if action == "order":
        return redirect("cesu_orders:order_recap")
    messages.success(request, SAVED)
    return redirect("cesu_orders:order_table")


def _edit_lines(request, lines: list[DraftLine]) -> list[DraftLine]:
    """The « + » (another line for the same bénéficiaire, right below) and the removal of a
    line, without JavaScript. An index out of range changes nothing."""
    lines = list(lines)
    add = parse_count(request.POST.get("add_line"))
    remove = parse_count(request.POST.get("remove_line"))
    if add is not None and add < len(lines):
        index = add
        while index + 1 < len(lines) and lines[index + 1].beneficiary == lines[index].beneficiary:
            index += 1
        lines.insert(index + 1, copy_line(lines[add]))
    elif remove is not None and remove < len(lines):
        index = remove
        beneficiary = lines[index].beneficiary
        if sum(line.beneficiary == beneficiary for line in lines) > 1:
            del lines[index]
    return lines


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
    rows = _rows(lines, catalogue.catalogue)
    rows_html = render_rows(rows)
    totals = (
        draft_totals(lines, catalogue.fees, delivery.transport_mode) if catalogue.fees else None
    )
    has_paper = any(line.is_ordered and not line.electronic for line in lines) or not any(
        line.is_ordered for line in lines
    )
    context = {
        "rows_html": rows_html,
        "row_count": len(rows),
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
            lines, DeliveryChoice(target="homes", transport_mode=delivery.transport_mode)
        )
        or "",
        "fees": catalogue.fees,
    }
    return render(request, "cesu_orders/order_table.html", context, status=status)


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
    """The calendar alone, redrawn by htmx when the transport mode or the address changes."""
    addresses = _addresses(request.organization)
    target = request.GET.get("delivery", "")
    address = None
    if target.startswith("address-"):
        address = addresses.get(parse_count(target.removeprefix("address-")))
    has_paper = request.GET.get("has_paper") != "0"
    postcode = address.postcode if address else request.GET.get("homes_postcode", "")[:5]
    delivery = DeliveryChoice(
        transport_mode=request.GET.get("transport_mode", "")
        if request.GET.get("transport_mode") in TransportMode.values
        else "",
    )
    try:
        delivery.date = date.fromisoformat(request.GET.get("delivery_date", ""))
    except ValueError:
        delivery.date = None
    context = _calendar_context(
        today=timezone.localdate(),
        delivery=delivery,
        has_paper=has_paper,
        postcode=(postcode or None) if has_paper else None,
        errors=None,
    )
    return render(request, "cesu_orders/includes/delivery_calendar.html", context)


# The rows, rendered lean: each select's options are built once per selected value, and
# each row is one format_html() call; the template engine would take a second for 2,000.

ROW = (
    '<tr class="order-row{first_class}{error_class}" data-name="{search}" '
    'data-beneficiary="{public_id}">'
    '<th scope="row">{header}<input type="hidden" name="beneficiary" value="{public_id}"></th>'
    '<td><select name="category" aria-label="Catégorie, {name}">{category}</select></td>'
    '<td><select name="format" aria-label="Type de CESU, {name}">{format}</select></td>'
    '<td><input type="number" name="booklets" value="{booklets}" min="0" max="100" step="1" '
    'inputmode="numeric" class="input--narrow" aria-label="Carnets, {name}"></td>'
    '<td><select name="per_booklet" aria-label="Titres par carnet, {name}">{per_booklet}'
    "</select></td>"
    '<td><select name="face_value" aria-label="Valeur faciale, {name}">{face_value}</select></td>'
    '<td><input type="text" name="share" value="{share}" inputmode="decimal" '
    'class="input--narrow" aria-label="Part patronale en %, {name}"></td>'
    '<td class="number nowrap" data-line-total>{totals}</td>'
    '<td class="nowrap"><button type="submit" name="add_line" value="{index}" '
    'class="button button--small button--icon" aria-label="Ajouter une ligne pour {name}">+'
    "</button>{remove}</td></tr>{errors}\n"
)
REMOVE = (
    ' <button type="submit" name="remove_line" value="{}" class="button button--small '
    'button--icon button--secondary" aria-label="Retirer cette ligne de {}">−</button>'
)


def render_rows(rows: list["Row"]) -> str:
    # Every value put into ROW is escaped by _render_row (html.escape, without Django's
    # lazy-string machinery that would cost half a second for 2,000 rows) or is already
    # safe HTML built by format_html (the option lists).
    return mark_safe("".join(_render_row(row) for row in rows))  # noqa: S308


def _render_row(row: "Row") -> str:
    beneficiary = row.line.beneficiary
    name = escape(row.name)
    if row.first:
        number = beneficiary.employee_number
        header = name + (f' <span class="hint">{escape(number)}</span>' if number else "")
    else:
        header = (
            f'<span class="order-row__more">↳ <span class="visually-hidden">{name}, </span>'
            "autre ligne</span>"
        )
    totals = ""
    if row.face_total:
        totals = (
            f'{escape(row.face_total)}<br><span class="hint">{escape(row.employer_share)}</span>'
        )
    errors = ""
    if row.line.errors:
        errors = (
            f'<tr class="order-row__errors" data-name="{escape(row.search)}"><td colspan="9">'
            f'<p class="field-error">{escape(" ".join(row.line.errors))}</p></td></tr>'
        )
    return ROW.format(
        first_class=" order-row--first" if row.first else "",
        error_class=" order-row--error" if row.line.errors else "",
        search=escape(row.search),
        public_id=beneficiary.public_id,
        header=header,
        name=name,
        category=row.category_options,
        format=row.format_options,
        booklets=escape(row.booklets),
        per_booklet=row.per_booklet_options,
        face_value=row.face_value_options,
        share=escape(row.share),
        totals=totals,
        index=row.index,
        remove=REMOVE.format(row.index, name) if row.removable else "",
        errors=errors,
    )


@dataclass(frozen=True, kw_only=True)
class Row:
    index: int
    line: DraftLine
    name: str
    search: str
    first: bool
    removable: bool
    category_options: str
    format_options: str
    per_booklet_options: str
    face_value_options: str
    booklets: str
    share: str
    face_total: str
    employer_share: str


class _Options:
    """`<option>` lists per selected value, cached for the request."""

    def __init__(self, choices: list[tuple[str, str]]):
        self.choices = choices
        self.cache: dict[str, str] = {}

    def __call__(self, selected) -> str:
        key = "" if selected is None else str(selected)
        if key not in self.cache:
            placeholder = (
                ""
                if key in dict(self.choices)
                else format_html('<option value="{}">—</option>', "")
            )
            self.cache[key] = format_html(
                "{}{}",
                placeholder,
                format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (value, " selected" if value == key else "", label)
                        for value, label in self.choices
                    ),
                ),
            )
        return self.cache[key]


def _rows(lines: list[DraftLine], catalogue: Catalogue) -> list[Row]:
    categories = _Options([(str(pk), c.label) for pk, c in catalogue.categories.items()])
    formats = _Options(list(VoucherFormat.choices))
    sizes = _Options([(str(size), str(size)) for size in catalogue.booklet_sizes])
    face_values = _Options(
        [(f"{value:.2f}", format_euros(value)) for value in catalogue.face_values]
    )
    counts: dict[int, int] = {}
    for line in lines:
        counts[line.beneficiary.pk] = counts.get(line.beneficiary.pk, 0) + 1
    rows, previous = [], None
    for index, line in enumerate(lines):
        beneficiary = line.beneficiary
        amounts = line_amounts(line.pricing_input()) if line.is_ordered else None
        rows.append(
            Row(
                index=index,
                line=line,
                name=str(beneficiary),
                search=fold(f"{beneficiary.last_name} {beneficiary.first_name}"),
                first=beneficiary is not previous,
                removable=counts[beneficiary.pk] > 1,
                category_options=categories(line.usage_category_id),
                format_options=formats(line.voucher_format or None),
                per_booklet_options=sizes(line.vouchers_per_booklet),
                face_value_options=face_values(
                    f"{line.face_value:.2f}" if line.face_value is not None else None
                ),
                booklets=line.raw.get("booklets", str(line.booklets or 0))
                if line.booklets is None
                else str(line.booklets),
                share=line.raw.get("share", "")
                if line.employer_share is None
                else f"{line.employer_share.normalize():f}",
                face_total=format_euros(amounts.face_total) if amounts else "",
                employer_share=format_euros(amounts.employer_share) if amounts else "",
            )
        )
        previous = beneficiary
    return rows


# The recap and « Valider la commande »


@funder_manager_required
def order_recap(request):
    organization = request.organization
    today = timezone.localdate()
    catalogue = OrderCatalogue.load(today=today)
    cart = (
        Cart.objects.filter(organization=organization)
        .select_related("delivery_address", "updated_by")
        .first()
    )
    if cart is None or not cart.lines.exists():
        if request.method == "POST":  # Validated a moment ago, by this click or another.
            messages.warning(request, ALREADY_PLACED)
            return redirect("cesu_orders:order_list")
        messages.info(request, EMPTY_CART)
        return redirect("cesu_orders:order_table")
    review = cart_review(cart=cart, catalogue=catalogue, today=today)
    form = RecapForm(
        request.POST or None,
        initial={
            "cart_version": cart.version,
            "terms_version": catalogue.terms.version if catalogue.terms else "",
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        terms = TermsOfSale.objects.filter(version=form.cleaned_data["terms_version"]).first()
        try:
            if terms is None:
                raise OrderRefused(
                    ["Les conditions générales de vente ont changé\u00a0: relisez-les."]
                )
            order = order_place(
                organization=organization,
                user=request.user,
                version=form.cleaned_data["cart_version"],
                terms=terms,
            )
        except CartChanged:
            messages.warning(request, ALREADY_PLACED)
            return redirect("cesu_orders:order_list")
        except OrderRefused as refused:
            for message in refused.messages:
                form.add_error(None, message)
            status = 400
        else:
            messages.success(request, PLACED.format(number=order.number))
            return redirect("cesu_orders:order_detail", public_id=order.public_id)
    elif request.method == "POST":
        status = 400
    context = _recap_context(review, catalogue, organization)
    context.update({"form": form, "terms": catalogue.terms})
    return render(request, "cesu_orders/order_recap.html", context, status=status)


def _recap_context(review: CartReview, catalogue: OrderCatalogue, organization) -> dict:
    ordered = review.ordered
    totals = (
        draft_totals(ordered, catalogue.fees, review.delivery.transport_mode)
        if catalogue.fees and ordered
        else None
    )
    groups, warnings = [], {}
    if totals:
        keyed = list(zip([line.beneficiary.pk for line in ordered], totals.lines, strict=True))
        per_beneficiary = beneficiary_totals(keyed_lines=keyed)
        year = review.delivery.date.year if review.delivery.date else timezone.localdate().year
        ceiling = ceiling_for(year, catalogue.ceilings)
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
        by_pk = {}
        for line, amounts in zip(ordered, totals.lines, strict=True):
            by_pk.setdefault(line.beneficiary.pk, []).append((line, amounts))
        categories = catalogue.catalogue.categories
        groups = [
            {
                "beneficiary": pairs[0][0].beneficiary,
                "lines": [
                    {
                        "line": line,
                        "amounts": amounts,
                        "category": categories[line.usage_category_id].label,
                    }
                    for line, amounts in pairs
                ],
                "totals": per_beneficiary[pk],
                "warning": warnings.get(pk),
            }
            for pk, pairs in by_pk.items()
        ]
    return {
        "review": review,
        "delivery": review.delivery,
        "groups": groups,
        "groups_html": render_recap_rows(groups),
        "totals": totals,
        "warnings": [
            (group["beneficiary"], group["warning"]) for group in groups if group["warning"]
        ],
        "vintage": catalogue.vintages.get(review.delivery.date.year)
        if review.delivery.date
        else None,
        "has_paper": any(not line.electronic for line in ordered),
        "transport_mode": TransportMode(review.delivery.transport_mode).label
        if review.delivery.transport_mode in TransportMode.values
        else "",
    }


def render_recap_rows(groups: list[dict]) -> str:
    """The recap's lines, per bénéficiaire with a subtotal row. Rendered like the order
    table's rows: every value below is escaped with html.escape or is a fixed string."""
    parts = []
    for group in groups:
        name = escape(str(group["beneficiary"]))
        row_class = ' class="row--warning"' if group["warning"] else ""
        badge = '<br><span class="badge badge--warning">Plafond dépassé</span>'
        for position, item in enumerate(group["lines"]):
            line, amounts = item["line"], item["amounts"]
            header = ""
            if position == 0:
                header = (
                    f'<th scope="rowgroup" rowspan="{len(group["lines"]) + 1}">{name}'
                    f"{badge if group['warning'] else ''}</th>"
                )
            parts.append(
                f"<tr{row_class}>{header}<td>{escape(item['category'])}</td>"
                f"<td>{escape(line.format_label)}</td>"
                f'<td class="number">{line.booklets}</td>'
                f'<td class="number">{line.vouchers_per_booklet}</td>'
                f'<td class="number nowrap">{format_euros(amounts.face_value)}</td>'
                f'<td class="number nowrap">{format_euros(amounts.face_total)}</td>'
                f'<td class="number nowrap">{format_euros(amounts.employer_share)} '
                f'<span class="hint">({percent(line.employer_share)})</span></td>'
                f'<td class="number nowrap">{format_euros(amounts.employee_share)}</td></tr>'
            )
        totals = group["totals"]
        plural = "s" if totals.vouchers > 1 else ""
        parts.append(
            f'<tr class="row--subtotal"><td colspan="5">Total {name} ({totals.vouchers} '
            f"titre{plural})</td>"
            f'<td class="number nowrap">{format_euros(totals.face_total)}</td>'
            f'<td class="number nowrap">{format_euros(totals.employer_share)}</td>'
            f'<td class="number nowrap">{format_euros(totals.employee_share)}</td></tr>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value is escaped above


# History, details, PDFs


@funder_manager_required
def order_list(request):
    """« Historique des commandes », newest first, filtered by year and status."""
    orders = Order.objects.for_organization(request.organization)
    years = sorted(
        set(orders.annotate(year=ExtractYear("created_at")).values_list("year", flat=True)),
        reverse=True,
    )
    form = OrderFilterForm(request.GET or None, years=years, statuses=OrderStatus.choices)
    if form.is_valid():
        if form.cleaned_data["annee"]:
            orders = orders.filter(created_at__year=form.cleaned_data["annee"])
        if form.cleaned_data["statut"]:
            orders = orders.filter(status=form.cleaned_data["statut"])
    orders = orders.select_related("created_by").order_by("-created_at", "-pk")
    page = Paginator(orders, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cesu_orders/order_list.html", {"page": page, "form": form})


def _order(request, public_id) -> Order:
    return get_for_organization_or_404(
        Order.objects.select_related("created_by", "terms"),
        request.organization,
        public_id=public_id,
    )


@funder_manager_required
def order_detail(request, public_id):
    order = _order(request, public_id)
    context = {
        "order": order,
        "lines": order.lines.all(),
        "events": order.events.select_related("actor"),
        "invoices": order.invoices.order_by("issue_date", "pk"),
        "groups": order_groups(order),
    }
    return render(request, "cesu_orders/order_detail.html", context)


@funder_manager_required
def order_recap_pdf(request, public_id):
    order = _order(request, public_id)
    pdf = render_pdf(
        "pdf/cesu_order_recap.html",
        {"order": order, "lines": order.lines.all(), "groups": order_groups(order)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="commande-{order.number}.pdf"'
    return response


@funder_manager_required
def invoice_download(request, public_id):
    invoice = get_for_organization_or_404(
        Invoice.objects.select_related("order"), request.organization, public_id=public_id
    )
    if not invoice.pdf:
        # The task has not run yet (broker down, worker busy): render it now, once.
        invoice = invoice_render_pdf(invoice_id=invoice.pk)
    return file_response(invoice.pdf, filename=f"{invoice.number}.pdf")


@funder_manager_required
def terms_of_sale(request):
    terms = (
        TermsOfSale.objects.filter(published_at__lte=timezone.now())
        .order_by("-published_at")
        .first()
    )
    if terms is None:
        raise Http404
    return render(request, "cesu_orders/terms_of_sale.html", {"terms": terms})
