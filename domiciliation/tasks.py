from celery import shared_task

from .services.billing import after_billing, invoice_deliver
from .services.contract_jobs import contracts_run
from .services.credit_notes import credit_note_deliver, credit_note_refund
from .services.deadlines import payment_deadlines_run
from .services.declarations import declaration_reminders_run
from .services.documents import contract_document
from .services.invoice_payments import invoice_charge
from .services.previews import proof_preview_make, proof_previews_catch_up
from .services.registration import registration_reminders_run
from .services.signatures import contract_finalize, documents_catch_up
from .services.termination import contract_end_finalize
from .services.vigilance import vigilance_reviews_remind


@shared_task(name="domiciliation.tasks.render_contract")
def render_contract(case_id: int) -> None:
    contract_document(case_id=case_id)


@shared_task(name="domiciliation.tasks.render_invoice")
def render_invoice(invoice_id: int) -> None:
    invoice_deliver(invoice_id=invoice_id)


@shared_task(name="domiciliation.tasks.render_proof_preview")
def render_proof_preview(proof_id: int) -> None:
    proof_preview_make(proof_id=proof_id)


@shared_task(name="domiciliation.tasks.catch_up_proof_previews")
def catch_up_proof_previews() -> int:
    return proof_previews_catch_up()


@shared_task(name="domiciliation.tasks.deliver_invoice")
def deliver_invoice(invoice_id: int) -> None:
    invoice_deliver(invoice_id=invoice_id)


@shared_task(name="domiciliation.tasks.after_billing")
def after_billing_batch(invoice_ids: list[int], charged_ids: list[int]) -> None:
    after_billing(invoice_ids=invoice_ids, charged_ids=charged_ids)


@shared_task(name="domiciliation.tasks.charge_invoice")
def charge_invoice(invoice_id: int) -> None:
    invoice_charge(invoice_id=invoice_id)


@shared_task(name="domiciliation.tasks.deliver_credit_note")
def deliver_credit_note(credit_note_id: int) -> None:
    credit_note_deliver(credit_note_id=credit_note_id)


@shared_task(name="domiciliation.tasks.refund_credit_note")
def refund_credit_note(credit_note_id: int) -> None:
    credit_note_refund(credit_note_id=credit_note_id)


@shared_task(name="domiciliation.tasks.finalize_contract")
def finalize_contract(case_id: int) -> None:
    contract_finalize(case_id=case_id)


@shared_task(name="domiciliation.tasks.finalize_contract_end")
def finalize_contract_end(contract_id: int) -> None:
    contract_end_finalize(contract_id=contract_id)


@shared_task(name="domiciliation.tasks.payment_deadlines")
def payment_deadlines() -> dict[str, int]:
    return payment_deadlines_run()


@shared_task(name="domiciliation.tasks.contracts")
def contracts() -> dict[str, int]:
    return contracts_run()


@shared_task(name="domiciliation.tasks.catch_up_documents")
def catch_up_documents() -> int:
    return documents_catch_up()


@shared_task(name="domiciliation.tasks.declaration_reminders")
def declaration_reminders() -> int:
    return declaration_reminders_run()


@shared_task(name="domiciliation.tasks.vigilance_reviews")
def vigilance_reviews() -> int:
    return vigilance_reviews_remind()


@shared_task(name="domiciliation.tasks.registration_reminders")
def registration_reminders() -> int:
    return registration_reminders_run()
