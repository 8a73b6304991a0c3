from celery import shared_task

from .services.beneficiary_import import beneficiary_imports_purge
from .services.invoices import invoice_render_pdf


@shared_task(name="cesu_orders.tasks.purge_beneficiary_imports")
def purge_beneficiary_imports() -> int:
    return beneficiary_imports_purge()


@shared_task(name="cesu_orders.tasks.render_invoice_pdf")
def render_invoice_pdf(invoice_id: int) -> None:
    invoice_render_pdf(invoice_id=invoice_id)
