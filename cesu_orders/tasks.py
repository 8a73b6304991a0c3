from celery import shared_task

from .services.beneficiary_import import beneficiary_import_check, beneficiary_imports_purge
from .services.invoices import invoice_render_pdf
from .services.order_files import order_file_make


@shared_task(name="cesu_orders.tasks.purge_beneficiary_imports")
def purge_beneficiary_imports() -> int:
    return beneficiary_imports_purge()


@shared_task(name="cesu_orders.tasks.render_invoice_pdf")
def render_invoice_pdf(invoice_id: int) -> None:
    invoice_render_pdf(invoice_id=invoice_id)


@shared_task(name="cesu_orders.tasks.check_beneficiary_import")
def check_beneficiary_import(import_id: int) -> None:
    beneficiary_import_check(import_id=import_id)


@shared_task(name="cesu_orders.tasks.make_order_file")
def make_order_file(order_id: int, kind: str) -> None:
    order_file_make(order_id=order_id, kind=kind)
