"""The lists a domiciliataire sends the tax office and URSSAF (R123-168), once per
period (domiciliation.declarations): the record of its sending, with the rows it
carried frozen at that moment, and the reminders sent before its deadline."""

import uuid

from django.conf import settings
from django.db import models

from common.models import StatusEvent
from directory.models import Provider

from ..declarations import Period
from .cases import ProviderOwnedQuerySet


class Declaration(models.Model):
    """One period's list for one domiciliataire. The row is made by the reminder job or
    when the list is marked sent; sent, its date, channel and rows never change."""

    class Status(models.TextChoices):
        DUE = "due", "À envoyer"
        SENT = "sent", "Envoyée"

    class Channel(models.TextChoices):
        REGISTERED_LETTER = "registered_letter", "Lettre recommandée avec avis de réception"
        LETTER = "letter", "Lettre simple"
        ONLINE = "online", "Dépôt en ligne (espace professionnel)"
        EMAIL = "email", "Envoi par e-mail"

    TRANSITIONS = {Status.DUE: {Status.SENT}, Status.SENT: set()}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("année")
    # 1 to 4: a quarter's list; 0: the list of the companies domiciled on 1 January.
    quarter = models.PositiveSmallIntegerField("trimestre (0 : liste annuelle)")
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DUE)
    sent_on = models.DateField("envoyée le", null=True, blank=True)
    channel = models.CharField("envoyée par", max_length=20, choices=Channel.choices, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistrée par",
    )
    # The rows as sent (company, SIREN, address, dates), for the PDF and CSV afterwards.
    rows = models.JSONField("lignes envoyées", default=list, blank=True)
    reminded_15_at = models.DateTimeField("rappel à 15 jours", null=True, blank=True)
    reminded_3_at = models.DateTimeField("rappel à 3 jours", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = ProviderOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "déclaration SIE/URSSAF"
        verbose_name_plural = "déclarations SIE/URSSAF"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "year", "quarter"], name="declaration_once_per_period"
            )
        ]

    def __str__(self):
        return f"{self.period.label} – {self.provider}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT


class DeclarationEvent(StatusEvent):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = "événement de la déclaration"
        verbose_name_plural = "événements de la déclaration"
