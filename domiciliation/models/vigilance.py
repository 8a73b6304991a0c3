"""The anti-money-laundering vigilance of a client (domiciliation.vigilance): each
assessment as made (never edited: a review adds one), and the restricted « déclaration
de soupçon » notes with every read of them."""

import uuid

from django.conf import settings
from django.db import models

from ..vigilance import CRITERIA, LEVELS, MEASURES
from .cases import Case


class VigilanceAssessment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    risky_activity = models.BooleanField(CRITERIA[0][1], default=False)
    risky_country = models.BooleanField(CRITERIA[1][1], default=False)
    owners_unclear = models.BooleanField(CRITERIA[2][1], default=False)
    politically_exposed = models.BooleanField(CRITERIA[3][1], default=False)
    cash_intensive = models.BooleanField(CRITERIA[4][1], default=False)
    documents_inconsistent = models.BooleanField(CRITERIA[5][1], default=False)
    level = models.CharField("niveau de risque", max_length=10, choices=LEVELS)
    measures = models.TextField("mesures de vigilance")
    comment = models.TextField("observations", blank=True)
    assessed_on = models.DateField("évalué le")
    next_review_on = models.DateField("prochaine revue le", db_index=True)
    review_reminded_at = models.DateTimeField("rappel de revue", null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "évaluation des risques (LCB-FT)"
        verbose_name_plural = "évaluations des risques (LCB-FT)"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_level_display()} – {self.case_id}"

    @property
    def risk_factors(self) -> list[str]:
        return [label for name, label, bad in CRITERIA if getattr(self, name) is bad]

    @property
    def standard_measures(self) -> str:
        return MEASURES[self.level]


class SuspicionNote(models.Model):
    """A note toward a « déclaration de soupçon » to Tracfin: seen by the provider's
    admins only, never by the company, in an e-mail, an export or a data download
    (CMF L561-18: the client must never learn of it)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    text = models.TextField("note")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("écrite le", auto_now_add=True)

    class Meta:
        verbose_name = "note de soupçon (accès restreint)"
        verbose_name_plural = "notes de soupçon (accès restreint)"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note restreinte {self.public_id}"


class SuspicionNoteRead(models.Model):
    """Who read a case's suspicion notes, and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    read_at = models.DateTimeField("lu le", auto_now_add=True)

    class Meta:
        verbose_name = "lecture des notes de soupçon"
        verbose_name_plural = "lectures des notes de soupçon"
        ordering = ["-read_at"]

    def __str__(self):
        return f"Lecture du {self.read_at:%d/%m/%Y %H:%M}"
