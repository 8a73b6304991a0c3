"""What staff publish for every financeur (news, « Documents utiles ») and what a
manager sends them (« Besoin d'aide »)."""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import TenantModel
from common.uploads import UuidUploadTo, private_storage


class NewsItem(models.Model):
    """« Toute l'actualité du CESU », published by staff on every financeur's home."""

    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte")
    published_at = models.DateTimeField("publiée le", null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = "actualité"
        verbose_name_plural = "actualités"
        ordering = ["-published_at"]

    def __str__(self):
        return self.title


class Document(models.Model):
    """« Documents utiles »: PDFs published by staff for every financeur."""

    class Category(models.TextChoices):
        GUIDES = "guides", "Guides"
        FORMS = "forms", "Formulaires"
        REGULATION = "regulation", "Réglementation"
        PRICING = "pricing", "Tarifs et conditions"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField("titre", max_length=200)
    category = models.CharField("catégorie", max_length=20, choices=Category.choices)
    description = models.TextField("description", blank=True)
    file = models.FileField(
        "fichier PDF", storage=private_storage, upload_to=UuidUploadTo("documents")
    )
    published_at = models.DateTimeField("publié le", null=True, blank=True)

    class Meta:
        verbose_name = "document utile"
        verbose_name_plural = "documents utiles"
        ordering = ["category", "title"]

    def __str__(self):
        return self.title


class HelpRequest(TenantModel):
    """A « Besoin d'aide » message from a manager to the customer service."""

    class Subject(models.TextChoices):
        ORDER = "order", "Une commande"
        INVOICE = "invoice", "La facturation"
        BENEFICIARIES = "beneficiaries", "Les bénéficiaires"
        ACCESS = "access", "Mon compte ou mes accès"
        OTHER = "other", "Autre question"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="gestionnaire"
    )
    subject = models.CharField("objet", max_length=20, choices=Subject.choices)
    message = models.TextField("message")
    attachment = models.FileField(
        "pièce jointe",
        storage=private_storage,
        upload_to=UuidUploadTo("help"),
        blank=True,
    )
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "demande d'aide"
        verbose_name_plural = "demandes d'aide"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_subject_display()} – {self.created_at:%d/%m/%Y}"
