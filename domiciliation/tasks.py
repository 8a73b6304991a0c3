from celery import shared_task

from .services.deadlines import payment_deadlines_run
from .services.documents import contract_document, invoice_document
from .services.previews import proof_preview_make, proof_previews_catch_up
from .services.signatures import contract_finalize, documents_catch_up


@shared_task(name="domiciliation.tasks.render_contract")
def render_contract(case_id: int) -> None:
    contract_document(case_id=case_id)


@shared_task(name="domiciliation.tasks.render_invoice")
def render_invoice(invoice_id: int) -> None:
    invoice_document(invoice_id=invoice_id)


@shared_task(name="domiciliation.tasks.render_proof_preview")
def render_proof_preview(proof_id: int) -> None:
    proof_preview_make(proof_id=proof_id)


@shared_task(name="domiciliation.tasks.catch_up_proof_previews")
def catch_up_proof_previews() -> int:
    return proof_previews_catch_up()


@shared_task(name="domiciliation.tasks.finalize_contract")
def finalize_contract(case_id: int) -> None:
    contract_finalize(case_id=case_id)


@shared_task(name="domiciliation.tasks.payment_deadlines")
def payment_deadlines() -> dict[str, int]:
    return payment_deadlines_run()


@shared_task(name="domiciliation.tasks.catch_up_documents")
def catch_up_documents() -> int:
    return documents_catch_up()
