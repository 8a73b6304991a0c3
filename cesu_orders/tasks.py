from celery import shared_task
from django.utils import timezone

from .services.accounting import invoices_zip_build
from .services.attestations import (
    attestation_reminders,
    attestations_generate_batch,
    attestations_send_step,
    attestations_zip,
)
from .services.beneficiary_import import beneficiary_import_check, beneficiary_imports_purge
from .services.invoices import invoice_render_pdf
from .services.order_files import order_file_make
from .services.payroll_import import payroll_import_check
from .services.quotes import quote_render_pdf
from .services.statements import aid_statement_render


@shared_task(name="cesu_orders.tasks.purge_beneficiary_imports")
def purge_beneficiary_imports() -> int:
    return beneficiary_imports_purge()


@shared_task(name="cesu_orders.tasks.render_invoice_pdf")
def render_invoice_pdf(invoice_id: int) -> None:
    invoice_render_pdf(invoice_id=invoice_id)


@shared_task(name="cesu_orders.tasks.generate_attestations")
def generate_attestations(job_id: int, part: int, beneficiary_ids: list[int]) -> None:
    attestations_generate_batch(job_id=job_id, part=part, beneficiary_ids=beneficiary_ids)


@shared_task(name="cesu_orders.tasks.zip_attestations")
def zip_attestations(job_id: int) -> None:
    attestations_zip(job_id=job_id)


@shared_task(name="cesu_orders.tasks.send_attestations")
def send_attestations(job_id: int) -> None:
    attestations_send_step(job_id=job_id)


@shared_task(name="cesu_orders.tasks.remind_attestations")
def remind_attestations() -> int:
    return attestation_reminders(today=timezone.localdate())


@shared_task(name="cesu_orders.tasks.render_aid_statement")
def render_aid_statement(job_id: int) -> None:
    aid_statement_render(job_id=job_id)


@shared_task(name="cesu_orders.tasks.build_invoices_zip")
def build_invoices_zip(job_id: int) -> None:
    invoices_zip_build(job_id=job_id)


@shared_task(name="cesu_orders.tasks.render_quote_pdf")
def render_quote_pdf(quote_id: int) -> None:
    quote_render_pdf(quote_id=quote_id)


@shared_task(name="cesu_orders.tasks.check_beneficiary_import")
def check_beneficiary_import(import_id: int) -> None:
    beneficiary_import_check(import_id=import_id)


@shared_task(name="cesu_orders.tasks.make_order_file")
def make_order_file(order_id: int, kind: str) -> None:
    order_file_make(order_id=order_id, kind=kind)


@shared_task(name="cesu_orders.tasks.check_payroll_import")
def check_payroll_import(import_id: int) -> None:
    payroll_import_check(import_id=import_id)
