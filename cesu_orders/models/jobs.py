"""Slow work a manager asks for (the annual attestations and their sending, the aid
statement's PDF, a ZIP of invoices), done by Celery while the page shows its progress."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import TenantModel
from common.uploads import UuidUploadTo, private_storage


class Job(TenantModel):
    """One piece of slow work and, once done, its file (a ZIP, a PDF). It is running
    until `finished_at` is set; `error` says why it stopped short. One job of each kind
    runs at a time per financeur (a constraint, besides the services' own check)."""

    class Kind(models.TextChoices):
        ATTESTATIONS = "attestations", "Génération des attestations annuelles"
        ATTESTATIONS_SENDING = "attestations_sending", "Envoi des attestations annuelles"
        AID_STATEMENT = "aid_statement", "Relevé des aides versées"
        INVOICES_ZIP = "invoices_zip", "Factures et avoirs au format PDF"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("travail", max_length=24, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    date_from = models.DateField("du", null=True, blank=True)
    date_to = models.DateField("au", null=True, blank=True)
    total = models.PositiveIntegerField("à traiter", default=0)
    done = models.PositiveIntegerField("traités", default=0)
    # Work split in parts that workers take at the same time: how many, and which are
    # done (a part delivered twice is counted once).
    parts = models.PositiveIntegerField("parties", default=0)
    parts_done = models.JSONField("parties terminées", default=list, blank=True)
    file = models.FileField(
        "fichier", storage=private_storage, upload_to=UuidUploadTo("jobs"), blank=True
    )
    error = models.TextField("erreur", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="demandé par",
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    updated_at = models.DateTimeField("avancé le", auto_now=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "travail en arrière-plan"
        verbose_name_plural = "travaux en arrière-plan"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=Q(finished_at__isnull=True),
                name="job_one_running_per_kind",
            )
        ]
        indexes = [models.Index(fields=["organization", "kind", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def is_running(self) -> bool:
        return self.finished_at is None

    @property
    def succeeded(self) -> bool:
        return self.finished_at is not None and not self.error

    @property
    def is_about_attestations(self) -> bool:
        return self.kind in (self.Kind.ATTESTATIONS, self.Kind.ATTESTATIONS_SENDING)

    @property
    def is_aid_statement(self) -> bool:
        return self.kind == self.Kind.AID_STATEMENT

    @property
    def file_label(self) -> str:
        """What its download link says."""
        return "Télécharger le PDF" if self.is_aid_statement else "Télécharger le ZIP"

    @property
    def percent(self) -> int:
        """How far it got, 0 to 100 (a job with nothing to count is done or not)."""
        if not self.is_running:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
