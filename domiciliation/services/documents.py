"""The PDFs of a case: the contract to sign, the invoices and credit notes, the signed
contract with its signature page and the platform's seal, the « attestation de
domiciliation », and at the contract's end the « attestation de fin de domiciliation »
and the notice to the greffe. Each is rendered once and kept as issued; a contract's
SHA-256 is what the signers sign."""

import hashlib
from io import BytesIO

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from pypdf import PdfReader, PdfWriter
from stdnum.fr import tva

from common.previews import attach_preview
from notifications.pdf import render_pdf

from ..models import (
    Case,
    CaseDocument,
    Contract,
    ContractTemplate,
    CreditNote,
    GreffeNotice,
    Invoice,
    Payment,
)
from ..sealing import seal_pdf
from ..selectors import contract_template
from .cases import case_lock

PARTY_FIELDS = ["legal_name", "trade_name", "siren", "approval_number", "approval_date"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def vat_number(siren: str) -> str:
    """The French intra-community VAT number of a SIREN: FR + key + SIREN."""
    number = f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
    tva.validate(number)
    return number


def contract_context(case: Case) -> dict:
    """What the contract shows: both parties, the centre, the services, the price, the
    duration and the clauses (the domiciliataire's own, else the default ones)."""
    provider = case.provider
    return {
        "case": case,
        # What the case was decided on, never the file as the company edits it since.
        "client_file": case.declared,
        # The domiciliataire's identity as staff approved it.
        "party": {field: provider.public(field) for field in PARTY_FIELDS},
        "template": contract_template(case),
        "payment": case.first_payment,
    }


def standard_contract_pdf(template: ContractTemplate) -> bytes:
    """The « contrat standard » as a PDF, from the clauses every generated contract
    renders; kept in the cache until staff change them."""
    key = f"standard-contract-pdf:{template.pk}:{template.updated_at.timestamp()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf("pdf/domiciliation_standard_contract.html", {"template": template})
        cache.set(key, pdf, 24 * 3600)
    return pdf


def contract_pdf(case: Case) -> bytes:
    return render_pdf("pdf/domiciliation_contract.html", contract_context(case))


def _issuer(case: Case) -> dict:
    """The domiciliataire as its invoices and credit notes name it."""
    party = {field: case.provider.public(field) for field in PARTY_FIELDS}
    return {"party": party, "vat_number": vat_number(party["siren"])}


def invoice_pdf(invoice: Invoice) -> bytes:
    case = invoice.case
    settled = invoice.payments.filter(status=Payment.Status.SUCCEEDED).first()
    return render_pdf(
        "pdf/domiciliation_invoice.html",
        {
            "invoice": invoice,
            "case": case,
            "client_file": case.declared,
            # Issued as it stood: the PDF of an invoice paid later says « à payer ».
            "payment": settled if invoice.is_paid else None,
            **_issuer(case),
        },
    )


def credit_note_pdf(credit_note: CreditNote) -> bytes:
    case = credit_note.case
    return render_pdf(
        "pdf/domiciliation_credit_note.html",
        {
            "credit_note": credit_note,
            "invoice": credit_note.invoice,
            "case": case,
            "client_file": case.declared,
            **_issuer(case),
        },
    )


def _store(case: Case, kind: str, pdf: bytes, *, preview: bool = False) -> CaseDocument:
    document = CaseDocument(case=case, kind=kind, sha256=sha256(pdf))
    document.file.save(f"{kind}-{case.public_id}.pdf", ContentFile(pdf), save=False)
    if preview:
        attach_preview(document, pdf)
    document.save()
    return document


@transaction.atomic
def contract_document(*, case_id: int) -> CaseDocument:
    """The contract to sign, rendered once with the picture of its first page that the
    signing page shows (by the task after payment, or by the first page that needs it if
    the task has not run yet: a contract is a few pages)."""
    case = case_lock(Case(pk=case_id))
    existing = case.documents.filter(kind=CaseDocument.Kind.CONTRACT).first()
    return existing or _store(case, CaseDocument.Kind.CONTRACT, contract_pdf(case), preview=True)


@transaction.atomic
def invoice_document(*, invoice_id: int) -> Invoice:
    """The invoice's PDF, rendered once; a second call keeps the first file."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("case__client_file", "case__provider", "case__centre")
        .get(pk=invoice_id)
    )
    if not invoice.pdf:
        invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(invoice_pdf(invoice)))
    return invoice


@transaction.atomic
def credit_note_document(*, credit_note_id: int) -> CreditNote:
    """The credit note's PDF, rendered once."""
    credit_note = (
        CreditNote.objects.select_for_update(of=("self",))
        .select_related("case__client_file", "case__provider", "case__centre", "invoice")
        .get(pk=credit_note_id)
    )
    if not credit_note.pdf:
        credit_note.pdf.save(f"{credit_note.number}.pdf", ContentFile(credit_note_pdf(credit_note)))
    return credit_note


def signed_contract_pdf(case: Case, contract: CaseDocument) -> bytes:
    """The contract exactly as signed, followed by a signature page (signers, times, the
    signed document's SHA-256), sealed with the platform's certificate."""
    signatures = list(case.signatures.select_related("signer").order_by("signed_at"))
    page = render_pdf(
        "pdf/domiciliation_signatures.html",
        {
            "case": case,
            "client_file": case.declared,
            "signatures": signatures,
            "contract": contract,
        },
    )
    writer = PdfWriter()
    with contract.file.open("rb") as file:
        writer.append(PdfReader(BytesIO(file.read())))
    writer.append(PdfReader(BytesIO(page)))
    merged = BytesIO()
    writer.write(merged)
    return seal_pdf(merged.getvalue())


def attestation_pdf(case: Case) -> bytes:
    context = contract_context(case)
    return render_pdf("pdf/domiciliation_attestation.html", context)


def final_documents(case: Case) -> tuple[CaseDocument, CaseDocument]:
    """The signed and sealed contract and the attestation of a signed case, made once.
    Call with the case locked (case_lock)."""
    documents = {document.kind: document for document in case.documents.all()}
    signed = documents.get(CaseDocument.Kind.SIGNED_CONTRACT) or _store(
        case,
        CaseDocument.Kind.SIGNED_CONTRACT,
        signed_contract_pdf(case, documents[CaseDocument.Kind.CONTRACT]),
    )
    attestation = documents.get(CaseDocument.Kind.ATTESTATION) or _store(
        case, CaseDocument.Kind.ATTESTATION, attestation_pdf(case)
    )
    return signed, attestation


def attachment(document: CaseDocument, name: str) -> dict:
    """A document as an e-mail attachment of the outbox."""
    return attachment_of(document.file, name)


def attachment_of(field_file, name: str) -> dict:
    """A stored PDF as an e-mail attachment of the outbox: its name in the storage, read
    through the storage when the e-mail is sent."""
    return {"name": name, "path": field_file.name, "mimetype": "application/pdf"}


def _end_context(contract: Contract) -> dict:
    case = contract.case
    return {
        "contract": contract,
        "case": case,
        "client_file": case.declared,
        "party": {field: case.provider.public(field) for field in PARTY_FIELDS},
    }


def greffe_notice_pdf(notice: GreffeNotice) -> bytes:
    return render_pdf(
        "pdf/domiciliation_greffe_notice.html",
        {**_end_context(notice.contract), "notice": notice},
    )


def end_documents(contract: Contract) -> tuple[CaseDocument, list[GreffeNotice]]:
    """The « attestation de fin de domiciliation » and the letters of the contract's due
    greffe notices, each made once. Call with the contract and its case locked."""
    case = contract.case
    attestation = case.documents.filter(kind=CaseDocument.Kind.END_ATTESTATION).first()
    if attestation is None:
        attestation = _store(
            case,
            CaseDocument.Kind.END_ATTESTATION,
            render_pdf("pdf/domiciliation_end_attestation.html", _end_context(contract)),
        )
    notices = list(contract.greffe_notices.select_for_update().order_by("pk"))
    for notice in notices:
        notice.contract = contract
        if not notice.pdf:
            notice.pdf.save(
                f"avis-greffe-{contract.number}-{notice.event_date:%Y%m%d}.pdf",
                ContentFile(greffe_notice_pdf(notice)),
            )
    return attestation, notices
