import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """The outbox: one outbound message, written in the business transaction and sent
    later by a worker. Nothing is lost (a pending row is re-queued) and nothing is sent
    twice (a worker claims the row before sending it)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        SENDING = "sending", "En cours d'envoi"
        SENT = "sent", "Envoyé"
        FAILED = "failed", "Échec"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    event = models.CharField("événement", max_length=100)
    recipient = models.CharField("destinataire", max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name="utilisateur",
    )
    subject = models.CharField("objet", max_length=255, blank=True)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML", blank=True)
    # Files from private storage attached to an e-mail: [{"name", "path", "mimetype"}].
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    # A message carrying a secret (temporary password, password-reset link): its body is
    # hidden from staff and erased once sent.
    is_sensitive = models.BooleanField("contenu confidentiel", default=False)
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    idempotency_key = models.CharField(
        "clé d'idempotence", max_length=255, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    # When the next attempt is due: at creation, then after the back-off of each failure.
    # The beat job re-queues only the rows whose attempt is overdue.
    next_attempt_at = models.DateTimeField("prochain essai le", default=timezone.now)
    claimed_at = models.DateTimeField("prise en charge le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    provider_message_id = models.CharField(
        "identifiant chez le prestataire", max_length=255, blank=True
    )

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notification_status_created"),
            models.Index(fields=["status", "next_attempt_at"], name="notification_status_due"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} « {self.event} » à {self.recipient}"
