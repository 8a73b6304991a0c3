"""The first payment of a case and the domiciliataire's invoice for it."""

import uuid

from django.conf import settings
from django.db import models

from common.uploads import UuidUploadTo, private_storage
from directory.models import Provider

from .cases import Case


class Payment(models.Model):
    """One attempt at the first payment of a case: online (Stripe or the simulated
    provider) or a bank transfer recorded by the domiciliataire. Only a succeeded payment
    moves the case; one received after expiry waits for the domiciliataire's decision."""

    class Method(models.TextChoices):
        STRIPE = "stripe", "Carte bancaire (Stripe)"
        SIMULATED = "simulated", "Carte bancaire (paiement simulé)"
        TRANSFER = "transfer", "Virement bancaire"

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        SUCCEEDED = "succeeded", "Reçu"
        FAILED = "failed", "Échoué"
        RECEIVED_LATE = "received_late", "Reçu hors délai, à traiter"
        REFUNDED = "refunded", "Remboursé"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField("moyen de paiement", max_length=10, choices=Method.choices)
    status = models.CharField(
        "statut", max_length=15, choices=Status.choices, default=Status.PENDING
    )
    amount = models.DecimalField("montant TTC", max_digits=10, decimal_places=2)
    # The Checkout Session id at Stripe, or the bank transfer's reference.
    reference = models.CharField("référence", max_length=255, blank=True)
    # Stripe's PaymentIntent, needed to refund a payment received after expiry.
    provider_payment_id = models.CharField("identifiant du paiement", max_length=255, blank=True)
    received_on = models.DateField("reçu le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)

    class Meta:
        verbose_name = "paiement"
        verbose_name_plural = "paiements"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="succeeded"),
                name="payment_one_succeeded_per_case",
            )
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.amount} € ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_received_late(self) -> bool:
        return self.status == self.Status.RECEIVED_LATE

    @property
    def is_refundable(self) -> bool:
        """Money the case does not need: received out of time (expired, already paid…), or
        paid for a request the company then withdrew."""
        return self.status == self.Status.RECEIVED_LATE or (
            self.status == self.Status.SUCCEEDED and self.case.is_withdrawn
        )


class Invoice(models.Model):
    """The invoice the domiciliataire issues for the first payment. Numbers follow each
    other without gaps per domiciliataire and year (CGI, annexe II, art. 242 nonies A)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="invoices")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="invoice")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="invoice")
    number = models.CharField("numéro", max_length=30)
    issue_date = models.DateField("date d’émission")
    rent_excl_tax = models.DecimalField("domiciliation HT", max_digits=10, decimal_places=2)
    setup_fee_excl_tax = models.DecimalField("frais de dossier HT", max_digits=10, decimal_places=2)
    amount_excl_tax = models.DecimalField("montant HT", max_digits=10, decimal_places=2)
    vat_amount = models.DecimalField("TVA", max_digits=10, decimal_places=2)
    amount_incl_tax = models.DecimalField("montant TTC", max_digits=10, decimal_places=2)
    pdf = models.FileField(
        "PDF", storage=private_storage, upload_to=UuidUploadTo("invoices"), blank=True
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "facture de domiciliation"
        verbose_name_plural = "factures de domiciliation"
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "number"], name="invoice_number_per_provider"
            )
        ]

    def __str__(self):
        return self.number
