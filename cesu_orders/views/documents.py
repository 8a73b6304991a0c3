"""« Documents utiles »: the PDFs staff publish for every financeur, streamed from the
private storage. Documents are not tenant-owned: every financeur sees the same ones."""

from django.http import Http404
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.text import slugify

from common.files import file_response

from ..access import funder_manager_required
from ..models import Document


def _published():
    return Document.objects.filter(published_at__lte=timezone.now())


def size_label(size: int) -> str:
    """« 120 Ko », « 1,5 Mo »: the French units, a non-breaking space before them."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}\u00a0Ko"
    return f"{formats.number_format(size / (1024 * 1024), 1)}\u00a0Mo"


def _by_category(documents) -> list[tuple[str, list[Document]]]:
    """(category label, documents) in the order of Document.Category, empty ones left out."""
    for document in documents:
        document.size_label = size_label(document.file.size)
    return [
        (label, group)
        for value, label in Document.Category.choices
        if (group := [d for d in documents if d.category == value])
    ]


@funder_manager_required
def document_list(request):
    categories = _by_category(list(_published().order_by("title")))
    return render(request, "cesu_orders/document_list.html", {"categories": categories})


@funder_manager_required
def document_download(request, public_id):
    document = _published().filter(public_id=public_id).first()
    if document is None:
        raise Http404("Document introuvable.")
    return file_response(document.file, filename=f"{slugify(document.title) or 'document'}.pdf")
