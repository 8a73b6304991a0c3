from django.conf import settings
from django.db import models
from django.utils import timezone

from .uploads import UuidUploadTo, private_storage


class StatusEvent(models.Model):
    """One line of an object's timeline: who moved it from which status to which, when,
    and why; or, without statuses, a note (a review, an e-mail sent…). Subclasses add the
    foreign key to their object with related_name="events", and may redeclare the status
    fields with their choices."""

    from_status = models.CharField("de", max_length=20, blank=True)
    to_status = models.CharField("vers", max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    note = models.TextField("note", blank=True)
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class WithPdfPreview(models.Model):
    """A stored PDF with the picture of its first page that pages show instead of the
    browser's PDF viewer (common.previews). `page_count` is None until the preview has
    been tried, 0 when the PDF could not be drawn."""

    preview = models.FileField(
        "aperçu", storage=private_storage, upload_to=UuidUploadTo("previews"), blank=True
    )
    page_count = models.PositiveSmallIntegerField("nombre de pages", null=True, blank=True)

    class Meta:
        abstract = True
