"""For whoever may see them (the company, the domiciliataire's team): the stored files of
a case, streamed through a permission check; private storage has no URL of its own."""

from django.http import Http404

from common.files import file_response
from common.uploads import EXTENSIONS

from ..access import case_document_for, credit_note_for, invoice_for, proof_for
from ..services.documents import credit_note_document, invoice_document


def _wants_preview(request) -> bool:
    return request.GET.get("apercu") == "1"


def _preview_response(stored, *, name: str):
    """The picture shown in a page: the first page drawn from a PDF, or the image
    itself. A PDF is never shown inline: its viewer would capture the page's clicks."""
    if stored.preview:
        return file_response(stored.preview, filename=f"{name}.png", as_attachment=False)
    raise Http404("Pas d’aperçu pour ce document.")


def proof_download(request, public_id):
    """A proof, for its owner or for a member of a domiciliataire whose case includes the
    file; anyone else gets a 404. `?apercu=1`: the picture the « Justificatifs » page
    shows."""
    proof = proof_for(request, public_id)
    extension = EXTENSIONS.get(proof.kind, "bin")
    name = f"{proof.proof_type.code}-{proof.uploaded_at:%Y-%m-%d}"
    if _wants_preview(request):
        if not proof.is_pdf:
            return file_response(proof.file, filename=f"{name}.{extension}", as_attachment=False)
        return _preview_response(proof, name=name)
    return file_response(proof.file, filename=f"{name}.{extension}")


def document_download(request, public_id):
    """A document of the case as a download; `?apercu=1`: the picture of its first page
    that the signing page shows."""
    document = case_document_for(request, public_id)
    name = f"{document.kind}-{document.case.client_file.company_name}"
    if _wants_preview(request):
        return _preview_response(document, name=name)
    return file_response(document.file, filename=f"{name}.pdf")


def invoice_download(request, public_id):
    invoice = invoice_for(request, public_id)
    invoice = invoice_document(invoice_id=invoice.pk)
    return file_response(invoice.pdf, filename=f"facture-{invoice.number}.pdf")


def credit_note_download(request, public_id):
    credit_note = credit_note_for(request, public_id)
    credit_note = credit_note_document(credit_note_id=credit_note.pk)
    return file_response(credit_note.pdf, filename=f"avoir-{credit_note.number}.pdf")
