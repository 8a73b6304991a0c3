"""The yearly attestation each bénéficiaire receives from the financeur (Code du travail
D7233-8): the number of CESU received in a year, their face value and the share the
employer financed."""

import uuid

from django.db import models
from django.db.models import Q

from accounts.models import TenantModel
from common.uploads import UuidUploadTo, private_storage
from notifications.models import Notification

from .beneficiaries import Beneficiary
from .jobs import Job


class Attestation(TenantModel):
    """One bénéficiaire's attestation for one year, as issued: its figures and its PDF
    are never changed. When an order counted later changes the figures, a new
    attestation replaces it (`superseded_at` is set on the old one, which is kept); at
    most one is current per bénéficiaire and year. `sent_at` is set once, when its
    e-mail is queued, so that it is never sent twice."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField("année")
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="attestations",
        verbose_name="bénéficiaire",
    )
    beneficiary_name = models.CharField("bénéficiaire", max_length=320)
    vouchers = models.PositiveIntegerField("titres")
    face_total = models.DecimalField("valeur faciale", max_digits=12, decimal_places=2)
    employer_share = models.DecimalField("part patronale", max_digits=12, decimal_places=2)
    ceiling = models.DecimalField(
        "plafond d'exonération", max_digits=8, decimal_places=2, null=True, blank=True
    )
    pdf = models.FileField("PDF", storage=private_storage, upload_to=UuidUploadTo("attestations"))
    job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="attestations"
    )
    created_at = models.DateTimeField("établie le", auto_now_add=True)
    superseded_at = models.DateTimeField("remplacée le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    sent_to = models.EmailField("envoyée à", blank=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "attestation annuelle"
        verbose_name_plural = "attestations annuelles"
        ordering = ["year", "beneficiary_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "beneficiary"],
                condition=Q(superseded_at__isnull=True),
                name="attestation_one_current_per_year",
            )
        ]
        indexes = [models.Index(fields=["organization", "year", "superseded_at"])]

    def __str__(self):
        return f"Attestation {self.year} – {self.beneficiary_name}"

    @property
    def employee_share(self):
        return self.face_total - self.employer_share

    @property
    def ceiling_excess(self):
        """The employer share above the year's exemption ceiling (not exempt), or 0."""
        if self.ceiling is None or self.employer_share <= self.ceiling:
            return 0
        return self.employer_share - self.ceiling

    @property
    def delivery_failed(self) -> bool:
        """Its e-mail failed for good (the outbox gave up); load `notification` with it."""
        notification = self.notification
        return notification is not None and notification.status == Notification.Status.FAILED

    @property
    def figures(self) -> tuple:
        """What the attestation states; a new one is issued when these change."""
        return (self.vouchers, self.face_total, self.employer_share)

    @property
    def file_name(self) -> str:
        return f"attestation-cesu-{self.year}-{self.beneficiary.public_id}.pdf"
