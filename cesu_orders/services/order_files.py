"""The files of an order the managers download: « Récapitulatif PDF », made once by a task
and stored (a 2,000-line order is a few dozen pages: seconds of WeasyPrint, never in a
request), then served as stored."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.queue import enqueue_on_commit
from notifications.pdf import render_pdf

from ..models import Order, OrderLine
from ..selectors import order_groups

# A request older than this with no file is taken as lost (broker down, worker killed)
# and queued again.
REQUEST_LOST_AFTER = timedelta(minutes=10)


def order_recap_request(*, order: Order) -> bool:
    """Queues the recap's render unless it is queued already (a page that polls asks
    every second: one task). Returns whether it queued one."""
    now = timezone.now()
    queued = (
        Order.objects.filter(pk=order.pk, recap_pdf="")
        .filter(
            Q(recap_pdf_requested_at__isnull=True)
            | Q(recap_pdf_requested_at__lt=now - REQUEST_LOST_AFTER)
        )
        .update(recap_pdf_requested_at=now)
    )
    if queued:
        enqueue_on_commit("cesu_orders.tasks.render_order_recap", order.pk)
    return bool(queued)


def order_recap_render(*, order_id: int) -> Order:
    """The task: renders the recap and stores it, once. The render runs outside any lock
    (it may take a minute); the file is stored under the order's row lock unless another
    run stored one meanwhile."""
    order = Order.objects.select_related("created_by").get(pk=order_id)
    if order.recap_pdf:
        return order
    lines = OrderLine.objects.filter(order=order).order_by("position")
    content = render_pdf(
        "pdf/cesu_order_recap.html",
        {"order": order, "lines": lines, "groups": order_groups(order)},
    )
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
        if not order.recap_pdf:
            order.recap_pdf.save(order.recap_pdf_filename, ContentFile(content), save=False)
            order.save(update_fields=["recap_pdf"])
    return order
