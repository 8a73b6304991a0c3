"""The PDFs of a case: the contract to sign, the invoice, the signed contract with its
signature page and the platform's seal, and the « attestation de domiciliation ». Each
is rendered once and kept as issued; its SHA-256 is what the signers sign."""

import hashlib
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from pypdf import PdfReader, PdfWriter
from stdnum.fr import tva

from common.previews import attach_preview
from notifications.pdf import render_pdf

from ..models import Case, CaseDocument, Invoice
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


def contract_pdf(case: Case) -> bytes:
    return render_pdf("pdf/domiciliation_contract.html", contract_context(case))


def invoice_pdf(invoice: Invoice) -> bytes:
    case = invoice.case
    party = contract_context(case)["party"]
    return render_pdf(
        "pdf/domiciliation_invoice.html",
        {
            "invoice": invoice,
            "case": case,
            "client_file": case.declared,
            "party": party,
            "vat_number": vat_number(party["siren"]),
            "payment": invoice.payment,
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
        .select_related("case__client_file", "case__provider", "case__centre", "payment")
        .get(pk=invoice_id)
    )
    if not invoice.pdf:
        invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(invoice_pdf(invoice)))
    return invoice


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
    return {"name": name, "path": document.file.name, "mimetype": "application/pdf"}
