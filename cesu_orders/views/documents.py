"""« Documents utiles », for the financeur's managers (primary and secondary): the PDFs
staff publish for every financeur, streamed from the private storage."""

from django.shortcuts import render
from django.utils import formats
from django.utils.text import slugify

from common.files import file_response

from ..access import document_for, funder_manager_required
from ..models import Document
from ..selectors import documents_published


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
    categories = _by_category(list(documents_published().order_by("title")))
    return render(request, "cesu_orders/document_list.html", {"categories": categories})


@funder_manager_required
def document_download(request, public_id):
    document = document_for(public_id)
    return file_response(document.file, filename=f"{slugify(document.title) or 'document'}.pdf")
