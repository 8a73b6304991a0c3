"""A picture of a PDF's first page, so that a page shows a document without embedding the
browser's PDF viewer: the viewer captures the page's clicks and mouse wheel (a button
below it may not respond) and is a black box where the browser has none. Rendered once
by whoever stores the document, kept beside it, never rendered for a request."""

from dataclasses import dataclass
from io import BytesIO

import pypdfium2 as pdfium
from django.core.files.base import ContentFile

# Pixels across: sharp at the preview's displayed width (40rem) on an ordinary screen,
# small enough to load quickly on a phone.
PREVIEW_WIDTH = 1000


class PreviewError(Exception):
    """The PDF could not be drawn (damaged, protected by a password…)."""


@dataclass(frozen=True)
class Preview:
    png: bytes
    page_count: int


def pdf_preview(data: bytes, *, width: int = PREVIEW_WIDTH) -> Preview:
    """The first page of the PDF `data` as a PNG `width` pixels wide, and the number of
    pages of the document."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise PreviewError(str(error)) from error
    try:
        page_count = len(document)
        if page_count == 0:
            raise PreviewError("Le document n’a aucune page.")
        page = document[0]
        try:
            bitmap = page.render(scale=width / page.get_width())
            image = bitmap.to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        document.close()
    png = BytesIO()
    image.save(png, format="PNG", optimize=True)
    return Preview(png=png.getvalue(), page_count=page_count)


def attach_preview(document, data: bytes) -> None:
    """Draws the first page of the PDF `data` onto `document` (a
    common.models.WithPdfPreview), without saving the row: a PDF that cannot be drawn
    gets no preview and a page count of 0, and its page offers the download alone."""
    try:
        preview = pdf_preview(data)
    except PreviewError:
        document.page_count = 0
        return
    document.page_count = preview.page_count
    document.preview.save("apercu.png", ContentFile(preview.png), save=False)
