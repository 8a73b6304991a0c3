"""« Commandes » › « Historique des commandes », for the financeur's managers (primary and
secondary): the orders filtered by year and status, each order's lines and timeline, its
recap PDF and its invoices."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from common.files import file_response
from notifications.pdf import render_pdf

from .. import selectors
from ..access import funder_manager_required, invoice_for, order_for
from ..forms.orders import OrderFilterForm
from ..models import OrderStatus
from ..selectors import order_groups
from ..services.invoices import invoice_render_pdf

PER_PAGE = 25


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
    order = order_for(request, public_id)
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
    order = order_for(request, public_id)
    pdf = render_pdf(
        "pdf/cesu_order_recap.html",
        {"order": order, "lines": order.lines.all(), "groups": order_groups(order)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="commande-{order.number}.pdf"'
    return response


@funder_manager_required
def invoice_download(request, public_id):
    invoice = invoice_for(request, public_id)
    if not invoice.pdf:
        # The task has not run yet (broker down, worker busy): render it now, once.
        invoice = invoice_render_pdf(invoice_id=invoice.pk)
    return file_response(invoice.pdf, filename=f"{invoice.number}.pdf")
