"""The picture of a PDF scan's first page, drawn once by a task after the upload (as
for proofs), shown by the item's page instead of the browser's PDF viewer."""

from django.db import transaction

from common.previews import attach_preview

from ..models import MailScan


@transaction.atomic
def scan_preview_make(*, scan_id: int) -> MailScan | None:
    """Draws the preview of the PDF scan `scan_id` once; a second call changes nothing."""
    scan = MailScan.objects.select_for_update().filter(pk=scan_id).first()
    if scan is None or not scan.is_pdf or scan.page_count is not None:
        return scan
    with scan.file.open("rb") as file:
        attach_preview(scan, file.read())
    scan.save(update_fields=["preview", "page_count"])
    return scan
