"""Invoices and credit notes of CESU orders.

Numbers follow each other without gaps per year (CGI, annexe II, art. 242 nonies A):
django-sequences allocates them inside the issuing transaction, so a rolled-back order
gives its number back. An issued invoice is never deleted; a credit note cancels it.
The PDF is rendered by a Celery task once the transaction has committed.
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from sequences import get_next_value

from common.queue import enqueue_on_commit
from notifications.pdf import render_pdf

from ..models import Funder, Invoice, Order
from ..selectors import order_groups


def _number(prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{get_next_value(f'cesu-{prefix}-{year}'):06d}"


def invoice_issue(*, order: Order) -> Invoice:
    """The invoice of `order`, dated today: face values (no VAT) plus the fees and their
    VAT. Call inside the order's transaction."""
    today = timezone.localdate()
    invoice = Invoice.objects.create(
        organization_id=order.organization_id,
        order=order,
        number=_number("FC", today.year),
        issue_date=today,
        amount_excl_tax=order.face_total + order.fees_excl_vat,
        vat_amount=order.vat,
        amount_incl_tax=order.total_to_pay,
    )
    _render_on_commit(invoice)
    return invoice


def credit_note_issue(*, invoice: Invoice) -> Invoice:
    """The credit note cancelling `invoice` in full, dated today."""
    today = timezone.localdate()
    credit_note = Invoice.objects.create(
        organization_id=invoice.organization_id,
        kind=Invoice.Kind.CREDIT_NOTE,
        order_id=invoice.order_id,
        credited_invoice=invoice,
        number=_number("AV", today.year),
        issue_date=today,
        amount_excl_tax=-invoice.amount_excl_tax,
        vat_amount=-invoice.vat_amount,
        amount_incl_tax=-invoice.amount_incl_tax,
    )
    _render_on_commit(credit_note)
    return credit_note


def _render_on_commit(invoice: Invoice) -> None:
    enqueue_on_commit("cesu_orders.tasks.render_invoice_pdf", invoice.pk)


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    """The PDF of an invoice or credit note, from templates/pdf/cesu_invoice.html."""
    order = invoice.order
    funder = Funder.objects.get(organization_id=invoice.organization_id)
    return render_pdf(
        "pdf/cesu_invoice.html",
        {
            "invoice": invoice,
            "order": order,
            "funder": funder,
            "groups": order_groups(order) if order else [],
            "issuer": settings.CESU_ISSUER,
            "due_date": invoice.issue_date + timedelta(days=settings.CESU_PAYMENT_TERM_DAYS),
            "sign": -1 if invoice.kind == Invoice.Kind.CREDIT_NOTE else 1,
        },
    )


@transaction.atomic
def invoice_render_pdf(*, invoice_id: int) -> Invoice:
    """Renders and stores the PDF once; a second call (task retried, download racing the
    task) keeps the first file."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("order").get(pk=invoice_id)
    )
    if not invoice.pdf:
        invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(invoice_pdf_bytes(invoice)))
    return invoice
