"""« Commandes » › « Historique des commandes », for the financeur's managers (primary and
secondary): the orders filtered by year and status, each order's lines and timeline, its
« Récapitulatif PDF » and its lines as a workbook (made by a task, then served as
stored), its lines as CSV, and its invoices."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from common.files import file_response

from .. import exports, selectors
from ..access import funder_manager_required, invoice_for, order_for
from ..forms.orders import OrderFilterForm
from ..models import OrderStatus
from ..selectors import order_groups
from ..services.invoices import invoice_render_pdf
from ..services.order_files import ORDER_FILES, order_file_request

PER_PAGE = 25
LINES_PER_PAGE = 100


@funder_manager_required
def order_list(request):
    """« Historique des commandes », newest first, filtered by year and status."""
    organization = request.organization
    years = selectors.order_years(organization)
    form = OrderFilterForm(request.GET or None, years=years, statuses=OrderStatus.choices)
    filters = form.cleaned_data if form.is_valid() else {}
    orders = selectors.order_history(
        organization, year=filters.get("annee"), status=filters.get("statut")
    )
    page = Paginator(orders, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cesu_orders/order_list.html", {"page": page, "form": form})


@funder_manager_required
def order_detail(request, public_id):
    """The order, its timeline and amounts, and its lines a hundred at a time (the whole
    of them in the PDF, CSV and XLSX)."""
    order = order_for(request, public_id)
    lines = Paginator(order.lines.order_by("position"), LINES_PER_PAGE)
    context = {
        "order": order,
        "lines": lines.get_page(request.GET.get("page")),
        "events": order.events.select_related("actor"),
        "invoices": order.invoices.order_by("issue_date", "pk"),
        "groups": order_groups(order),
    }
    return render(request, "cesu_orders/order_detail.html", context)


@funder_manager_required
def order_recap_pdf(request, public_id):
    return _order_file(request, public_id, "recap_pdf")


@funder_manager_required
def order_lines_xlsx(request, public_id):
    return _order_file(request, public_id, "lines_xlsx")


def _order_file(request, public_id, kind: str):
    """The stored file; until its task has made it, a page that says so and asks again
    (htmx every two seconds, a refresh without JavaScript)."""
    order = order_for(request, public_id)
    order_file = ORDER_FILES[kind]
    if not order_file.of(order):
        order_file_request(order=order, kind=kind)
        order.refresh_from_db(fields=[order_file.field])  # Tasks run at once without a broker.
    if order_file.of(order) and not request.htmx:
        return file_response(order_file.of(order), filename=order_file.filename(order))
    template = (
        "cesu_orders/includes/order_file_status.html"
        if request.htmx
        else "cesu_orders/order_file_pending.html"
    )
    context = {"order": order, "label": order_file.label, "ready": bool(order_file.of(order))}
    return render(request, template, context)


@funder_manager_required
def order_lines_csv(request, public_id):
    order = order_for(request, public_id)
    response = HttpResponse(exports.order_lines_csv(order), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lignes-{order.number}.csv"'
    return response


@funder_manager_required
def invoice_download(request, public_id):
    invoice = invoice_for(request, public_id)
    if not invoice.pdf:
        # The task has not run yet (broker down, worker busy): render it now, once.
        invoice = invoice_render_pdf(invoice_id=invoice.pk)
    return file_response(invoice.pdf, filename=f"{invoice.number}.pdf")
