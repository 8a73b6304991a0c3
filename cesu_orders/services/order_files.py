"""The files of an order its managers download that can be big: « Récapitulatif PDF » and
the lines as an Excel workbook. Each is made once by a task and stored (a 2,000-line
order is a few dozen pages: seconds of WeasyPrint; 10,000 lines of XLSX, a second or
two of openpyxl), never in a request, then served as stored. The CSV of the lines is
written in the request: it costs no more than a page."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.queue import enqueue_on_commit
from notifications.pdf import render_pdf

from ..exports import order_lines_xlsx
from ..models import Order, OrderLine
from ..selectors import order_groups

# A request older than this with no file is taken as lost (broker down, worker killed)
# and queued again.
REQUEST_LOST_AFTER = timedelta(minutes=10)


def _recap_pdf(order: Order) -> bytes:
    lines = OrderLine.objects.filter(order=order).order_by("position")
    return render_pdf(
        "pdf/cesu_order_recap.html",
        {"order": order, "lines": lines, "groups": order_groups(order)},
    )


@dataclass(frozen=True)
class OrderFile:
    """One kind of stored file: its Order field (and `<field>_requested_at`), the name it
    is downloaded under, what the pages call it, and how it is made."""

    field: str
    extension: str
    label: str
    make: Callable[[Order], bytes]

    def filename(self, order: Order) -> str:
        return (
            f"{'commande' if self.extension == 'pdf' else 'lignes'}-{order.number}.{self.extension}"
        )

    def of(self, order: Order):
        return getattr(order, self.field)


ORDER_FILES = {
    "recap_pdf": OrderFile(field="recap_pdf", extension="pdf", label="Récapitulatif PDF",
                           make=_recap_pdf),
    "lines_xlsx": OrderFile(field="lines_xlsx", extension="xlsx",
                            label="Lignes de la commande (Excel)", make=order_lines_xlsx),
}  # fmt: skip


def order_file_request(*, order: Order, kind: str) -> bool:
    """Queues the making of the file unless it is queued already (a page that polls asks
    every few seconds: one task). Returns whether it queued one."""
    field = ORDER_FILES[kind].field
    now = timezone.now()
    queued = (
        Order.objects.filter(pk=order.pk, **{field: ""})
        .filter(
            Q(**{f"{field}_requested_at__isnull": True})
            | Q(**{f"{field}_requested_at__lt": now - REQUEST_LOST_AFTER})
        )
        .update(**{f"{field}_requested_at": now})
    )
    if queued:
        enqueue_on_commit("cesu_orders.tasks.make_order_file", order.pk, kind)
    return bool(queued)


def order_file_make(*, order_id: int, kind: str) -> Order:
    """The task: makes the file and stores it, once. It is made outside any lock (a big
    PDF takes a while); it is stored under the order's row lock unless another run
    stored one meanwhile."""
    order_file = ORDER_FILES[kind]
    order = Order.objects.select_related("created_by").get(pk=order_id)
    if order_file.of(order):
        return order
    content = order_file.make(order)
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
        if not order_file.of(order):
            order_file.of(order).save(order_file.filename(order), ContentFile(content), save=False)
            order.save(update_fields=[order_file.field])
    return order
