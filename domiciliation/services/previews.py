"""The picture of a PDF proof's first page, shown on the « Justificatifs » page instead
of the browser's PDF viewer: drawn once by a task after the upload (a proof may weigh
10 MB), and by the beat job for a proof whose task was lost."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from common.previews import attach_preview
from common.queue import enqueue

from ..models import Proof

# A task queued this long ago has had its chance: the beat job queues the proof again.
CATCH_UP_AFTER = timedelta(minutes=10)
CATCH_UP_BATCH = 100


@transaction.atomic
def proof_preview_make(*, proof_id: int) -> Proof | None:
    """Draws the preview of the PDF proof `proof_id` once; a second call changes nothing.
    A PDF that cannot be drawn keeps no preview (its page offers the download alone)."""
    proof = Proof.objects.select_for_update().filter(pk=proof_id).first()
    if proof is None or not proof.is_pdf or proof.page_count is not None:
        return proof
    with proof.file.open("rb") as file:
        attach_preview(proof, file.read())
    proof.save(update_fields=["preview", "page_count"])
    return proof


def proof_previews_catch_up() -> int:
    """Queues again the current PDF proofs still without a preview, oldest first; returns
    how many."""
    waiting = Proof.objects.filter(
        kind="pdf",
        page_count__isnull=True,
        superseded_at__isnull=True,
        uploaded_at__lt=timezone.now() - CATCH_UP_AFTER,
    ).order_by("uploaded_at")
    ids = list(waiting.values_list("pk", flat=True)[:CATCH_UP_BATCH])
    for proof_id in ids:
        enqueue("domiciliation.tasks.render_proof_preview", proof_id)
    return len(ids)
