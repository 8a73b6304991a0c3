import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organization, TenantModel, TenantQuerySet
from common.uploads import UuidUploadTo, private_storage
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


class Invoice(TenantModel):
    """An invoice sent to the financeur. Registration checks the number against the
    financeur's three latest invoices."""

    number = models.CharField("numéro", max_length=30, unique=True)
    issue_date = models.DateField("date d'émission")
    amount_excl_tax = models.DecimalField("montant HT", max_digits=12, decimal_places=2)
    vat_amount = models.DecimalField("TVA", max_digits=12, decimal_places=2)
    amount_incl_tax = models.DecimalField("montant TTC", max_digits=12, decimal_places=2)
    pdf = models.FileField(
        "PDF", storage=private_storage, upload_to=UuidUploadTo("invoices"), blank=True
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "facture"
        verbose_name_plural = "factures"
        ordering = ["-issue_date", "-number"]
        indexes = [models.Index(fields=["organization", "-issue_date"])]

    def __str__(self):
        return self.number


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


class RegistrationRequest(models.Model):
    """One « S'inscrire en ligne » submission, kept whatever its outcome so that staff can
    review the ones that did not match and approve them by hand."""

    class Status(models.TextChoices):
        APPROVED = "approved", "Acceptée"
        PENDING = "pending", "À examiner"
        REJECTED = "rejected", "Refusée"

    class Reason(models.TextChoices):
        MATCHED = "matched", "Correspondance vérifiée"
        UNKNOWN_REFERENCE = "unknown_reference", "Référence client inconnue"
        INVOICE_MISMATCH = "invoice_mismatch", "Facture absente des trois dernières"
        ALREADY_REGISTERED = "already_registered", "Gestionnaire principal déjà actif"
        APPROVED_BY_STAFF = "approved_by_staff", "Acceptée par le service clients"
        REJECTED_BY_STAFF = "rejected_by_staff", "Refusée par le service clients"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_reference = models.CharField("référence client saisie", max_length=20)
    invoice_number = models.CharField("numéro de facture saisi", max_length=30)
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


class VoucherFormat(models.TextChoices):
    PAPER = "paper", "Papier"
    ELECTRONIC = "electronic", "e-CESU"


class UsageCategory(models.Model):
    """Catalogue: what the vouchers pay for (« catégorie d'utilisation du titre »)."""

    code = models.SlugField("code", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=150)
    is_active = models.BooleanField("proposée", default=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "catégorie d'utilisation"
        verbose_name_plural = "catégories d'utilisation"
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class FaceValue(models.Model):
    """Catalogue: a face value (« valeur faciale ») a voucher may carry."""

    amount = models.DecimalField("montant (€)", max_digits=6, decimal_places=2, unique=True)
    is_active = models.BooleanField("proposée", default=True)

    class Meta:
        verbose_name = "valeur faciale"
        verbose_name_plural = "valeurs faciales"
        ordering = ["amount"]

    def __str__(self):
        return f"{self.amount} €"


class BookletSize(models.Model):
    """Catalogue: a number of vouchers a booklet may hold (« titres par carnet »)."""

    vouchers = models.PositiveSmallIntegerField("titres par carnet", unique=True)
    is_active = models.BooleanField("proposé", default=True)

    class Meta:
        verbose_name = "format de carnet"
        verbose_name_plural = "formats de carnet"
        ordering = ["vouchers"]

    def __str__(self):
        return f"{self.vouchers} titres"


class BeneficiaryQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Beneficiary(TenantModel):
    """An employee the financeur orders CESU for, with the usual values of an order line.
    Archived, never deleted once ordered for."""

    class Civility(models.TextChoices):
        MADAME = "mme", "Madame"
        MONSIEUR = "m", "Monsieur"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices)
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150)
    # Accent- and case-free "last first", kept by the services, for the alphabetical order
    # (Émile sorts with E) whatever the database collation.
    sort_name = models.CharField(max_length=320, editable=False, db_index=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    mobile_phone = models.CharField("téléphone mobile", max_length=20, blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    # NULL, not "", when unknown: the plain unique constraint below then lets many
    # bénéficiaires have none, and the import upserts on it.
    employee_number = models.CharField("matricule", max_length=30, null=True, blank=True)
    usual_usage_category = models.ForeignKey(
        UsageCategory, on_delete=models.PROTECT, verbose_name="catégorie d'utilisation"
    )
    usual_format = models.CharField(
        "type de CESU", max_length=12, choices=VoucherFormat.choices, default=VoucherFormat.PAPER
    )
    usual_face_value = models.DecimalField("valeur faciale (€)", max_digits=6, decimal_places=2)
    usual_employer_share = models.DecimalField("part patronale (%)", max_digits=5, decimal_places=2)
    usual_booklets = models.PositiveSmallIntegerField("nombre de carnets", default=1)
    usual_vouchers_per_booklet = models.PositiveSmallIntegerField("titres par carnet")
    archived_at = models.DateTimeField("archivé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        ordering = ["sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee_number"],
                name="beneficiary_unique_employee_number",
            )
        ]
        indexes = [models.Index(fields=["organization", "archived_at", "sort_name"])]

    def __str__(self):
        return f"{self.last_name} {self.first_name}"


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
