"""The financeur: its profile, its delivery addresses and its « S'inscrire en ligne »
requests."""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organization, TenantModel, TenantQuerySet
from common.validators import validate_siret


class Funder(TenantModel):
    """The financeur's profile: one per Organization of kind financeur."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="funder", verbose_name="organisation"
    )
    client_reference = models.CharField(
        "référence client",
        max_length=20,
        unique=True,
        help_text="Identifiant du gestionnaire principal, par exemple C100001.",
    )
    legal_name = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    billing_address = models.CharField("adresse de facturation", max_length=255)
    billing_postcode = models.CharField("code postal", max_length=5)
    billing_city = models.CharField("ville", max_length=100)
    contact_email = models.EmailField(
        "e-mail de contact",
        blank=True,
        help_text="L’adresse du financeur connue du service clients (celle du contrat). "
        "L’inscription en ligne n’envoie un mot de passe temporaire qu’à elle.",
    )
    customer_service_email = models.EmailField("e-mail du service clients", blank=True)
    customer_service_phone = models.CharField(
        "téléphone du service clients", max_length=20, blank=True
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "financeur"
        verbose_name_plural = "financeurs"
        ordering = ["legal_name"]

    def __str__(self):
        return f"{self.legal_name} ({self.client_reference})"


class DeliveryAddress(TenantModel):
    label = models.CharField("libellé", max_length=100)
    recipient = models.CharField("destinataire", max_length=200)
    address = models.CharField("adresse", max_length=255)
    postcode = models.CharField("code postal", max_length=5)
    city = models.CharField("ville", max_length=100)

    class Meta:
        verbose_name = "adresse de livraison"
        verbose_name_plural = "adresses de livraison"
        ordering = ["label"]

    def __str__(self):
        return f"{self.label} – {self.postcode} {self.city}"


class RegistrationRequest(models.Model):
    """One « S'inscrire en ligne » submission, kept whatever its outcome so that staff can
    review the ones that did not match and approve them by hand."""

    class Status(models.TextChoices):
        APPROVED = "approved", "Acceptée"
        PENDING = "pending", "À examiner"
        REJECTED = "rejected", "Refusée"
        SUPERSEDED = "superseded", "Remplacée"

    class Reason(models.TextChoices):
        MATCHED = "matched", "Correspondance vérifiée"
        UNKNOWN_REFERENCE = "unknown_reference", "Référence client inconnue"
        INVOICE_MISMATCH = "invoice_mismatch", "Facture absente des trois dernières"
        AMOUNT_MISMATCH = "amount_mismatch", "Montant TTC différent de celui de la facture"
        EMAIL_NOT_ON_FILE = "email_not_on_file", "Adresse e-mail autre que celle du dossier"
        SUPERSEDED = "superseded", "Remplacée par une inscription acceptée"
        ALREADY_REGISTERED = "already_registered", "Gestionnaire principal déjà actif"
        APPROVED_BY_STAFF = "approved_by_staff", "Acceptée par le service clients"
        REJECTED_BY_STAFF = "rejected_by_staff", "Refusée par le service clients"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_reference = models.CharField("référence client saisie", max_length=20)
    invoice_number = models.CharField("numéro de facture saisi", max_length=30)
    invoice_amount = models.DecimalField(
        "montant TTC saisi", max_digits=12, decimal_places=2, null=True, blank=True
    )
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse e-mail")
    phone = models.CharField("téléphone", max_length=20)
    terms_accepted_at = models.DateTimeField("conditions acceptées le")
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    funder = models.ForeignKey(
        Funder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registration_requests",
        verbose_name="financeur",
    )
    status = models.CharField("statut", max_length=20, choices=Status.choices)
    reason = models.CharField("motif", max_length=30, choices=Reason.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gestionnaire créé",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="examinée par",
    )
    reviewed_at = models.DateTimeField("examinée le", null=True, blank=True)
    created_at = models.DateTimeField("reçue le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "demande d'inscription"
        verbose_name_plural = "demandes d'inscription"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.client_reference} – {self.get_status_display()}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def awaits_staff_check(self) -> bool:
        """Everything matched but the e-mail, which staff check before any password."""
        return self.status == self.Status.PENDING and self.reason == self.Reason.EMAIL_NOT_ON_FILE
