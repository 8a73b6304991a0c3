"""For whoever may see them (the company, the domiciliataire's team): the stored files of
a case, streamed through a permission check; private storage has no URL of its own."""

from csp.decorators import csp_replace
from django.views.decorators.clickjacking import xframe_options_sameorigin

from common.files import file_response
from common.uploads import EXTENSIONS

from ..access import case_document_for, credit_note_for, invoice_for, proof_for
from ..services.documents import credit_note_document, invoice_document


# The « Justificatifs » page shows proofs in a frame of the portal itself.
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def proof_download(request, public_id):
    """A proof, for its owner or for a member of a domiciliataire whose case includes the
    file; anyone else gets a 404."""
    proof = proof_for(request, public_id)
    extension = EXTENSIONS.get(proof.kind, "bin")
    name = f"{proof.proof_type.code}-{proof.uploaded_at:%Y-%m-%d}.{extension}"
    return file_response(proof.file, filename=name, as_attachment=request.GET.get("apercu") != "1")


# The signing page shows the contract in a frame of the portal itself.
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def document_download(request, public_id):
    document = case_document_for(request, public_id)
    name = f"{document.kind}-{document.case.client_file.company_name}.pdf"
    return file_response(
        document.file, filename=name, as_attachment=request.GET.get("apercu") != "1"
    )


def invoice_download(request, public_id):
    invoice = invoice_for(request, public_id)
    invoice = invoice_document(invoice_id=invoice.pk)
    return file_response(invoice.pdf, filename=f"facture-{invoice.number}.pdf")


def credit_note_download(request, public_id):
    credit_note = credit_note_for(request, public_id)
    credit_note = credit_note_document(credit_note_id=credit_note.pk)
    return file_response(credit_note.pdf, filename=f"avoir-{credit_note.number}.pdf")
