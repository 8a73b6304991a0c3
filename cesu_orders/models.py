import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization, TenantModel, TenantQuerySet
from common.uploads import UuidUploadTo, private_storage
from common.validators import validate_siret

from .delivery_calendar import TransportMode


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
    """An invoice sent to the financeur, or a credit note cancelling one. Issued invoices
    are never deleted; numbers follow each other without gaps per year. Registration
    checks the number against the financeur's three latest invoices."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Facture"
        CREDIT_NOTE = "credit_note", "Avoir"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("type", max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    number = models.CharField("numéro", max_length=30, unique=True)
    order = models.ForeignKey(
        "Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name="commande",
    )
    credited_invoice = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note",
        verbose_name="facture annulée",
    )
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


# Catalogue of an order: vintage, fees, exemption ceilings, terms of sale


class Vintage(models.Model):
    """« Millésime »: the vouchers delivered in `year` carry it and stay valid until
    31 January of the next year unless staff set another date."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    valid_until = models.DateField("valable jusqu'au")

    class Meta:
        verbose_name = "millésime"
        verbose_name_plural = "millésimes"
        ordering = ["-year"]

    def __str__(self):
        return f"Millésime {self.year}"


class ServiceFees(models.Model):
    """The service fees excluding VAT; the row with the latest `valid_from` not after
    today applies. An order copies the amounts it used, so editing never alters it."""

    valid_from = models.DateField("applicables à partir du", unique=True)
    per_order = models.DecimalField("frais par commande (€ HT)", max_digits=8, decimal_places=2)
    per_booklet = models.DecimalField(
        "frais par carnet papier (€ HT)", max_digits=8, decimal_places=2
    )
    per_electronic_credit = models.DecimalField(
        "frais par crédit e-CESU (€ HT)", max_digits=8, decimal_places=2
    )
    standard_transport = models.DecimalField(
        "transport standard (€ HT)", max_digits=8, decimal_places=2
    )
    express_transport = models.DecimalField(
        "transport express (€ HT)", max_digits=8, decimal_places=2
    )
    vat_rate = models.DecimalField(
        "taux de TVA sur les frais (%)", max_digits=5, decimal_places=2, default=20
    )

    class Meta:
        verbose_name = "barème des frais de service"
        verbose_name_plural = "barèmes des frais de service"
        ordering = ["-valid_from"]

    def __str__(self):
        return f"Frais applicables à partir du {self.valid_from:%d/%m/%Y}"


class ExemptionCeiling(models.Model):
    """The yearly ceiling of the employer share per bénéficiaire exempt from social
    charges; above it the recap warns, it does not block."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    amount = models.DecimalField("plafond (€)", max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = "plafond d'exonération"
        verbose_name_plural = "plafonds d'exonération"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}\u00a0: {self.amount}\u00a0€"


class TermsOfSale(models.Model):
    """« Conditions Générales de Vente »: the latest published version is the one a manager
    accepts; each order keeps the version accepted."""

    version = models.CharField("version", max_length=20, unique=True)
    body = models.TextField("texte")
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    class Meta:
        verbose_name = "conditions générales de vente"
        verbose_name_plural = "conditions générales de vente"
        ordering = ["-published_at"]

    def __str__(self):
        return f"CGV version {self.version}"


# Cart and orders


class DeliveryTarget(models.TextChoices):
    ADDRESS = "address", "À une adresse de livraison du financeur"
    HOMES = "homes", "Au domicile de chaque bénéficiaire"


class Cart(TenantModel):
    """« Mon panier »: the one open draft of a financeur, shared by its managers.
    `version` grows at each save; a save or a validation from an older version is refused,
    so that a manager never overwrites another's work without knowing it."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="cart", verbose_name="organisation"
    )
    version = models.PositiveIntegerField("version", default=0)
    delivery_target = models.CharField(
        "livraison", max_length=10, choices=DeliveryTarget.choices, blank=True
    )
    delivery_address = models.ForeignKey(
        DeliveryAddress,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="adresse de livraison",
    )
    transport_mode = models.CharField(
        "mode de transport", max_length=10, choices=TransportMode.choices, blank=True
    )
    delivery_date = models.DateField("date de livraison", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    updated_at = models.DateTimeField("enregistré le", null=True, blank=True)

    class Meta:
        verbose_name = "panier"
        verbose_name_plural = "paniers"

    def __str__(self):
        return f"Panier de {self.organization}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("ordre")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="+", verbose_name="bénéficiaire"
    )
    usage_category = models.ForeignKey(
        UsageCategory, on_delete=models.PROTECT, related_name="+", verbose_name="catégorie"
    )
    voucher_format = models.CharField("type de CESU", max_length=12, choices=VoucherFormat.choices)
    booklets = models.PositiveIntegerField("carnets")
    vouchers_per_booklet = models.PositiveSmallIntegerField("titres par carnet")
    face_value = models.DecimalField("valeur faciale (€)", max_digits=6, decimal_places=2)
    employer_share = models.DecimalField("part patronale (%)", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "ligne de panier"
        verbose_name_plural = "lignes de panier"
        ordering = ["position"]

    def __str__(self):
        return f"{self.beneficiary_id} × {self.booklets}"


class OrderStatus(models.TextChoices):
    VALIDATED = "validated", "Validée"
    RECEIVED = "received", "Prise en charge"
    MANUFACTURED = "manufactured", "Fabriquée"
    SHIPPED = "shipped", "Expédiée"
    DELIVERED = "delivered", "Livrée"
    CANCELLED = "cancelled", "Annulée"


# The only moves an order may make; every move is one service in services/orders.py.
ORDER_TRANSITIONS = {
    OrderStatus.VALIDATED: {OrderStatus.RECEIVED, OrderStatus.CANCELLED},
    OrderStatus.RECEIVED: {OrderStatus.MANUFACTURED, OrderStatus.CANCELLED},
    OrderStatus.MANUFACTURED: {OrderStatus.SHIPPED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED},
    OrderStatus.DELIVERED: set(),
    OrderStatus.CANCELLED: set(),
}


class Order(TenantModel):
    """A validated order. Every amount, name and fee is copied from the cart and the
    catalogue at validation, so later changes never alter it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("numéro", max_length=20, unique=True)
    status = models.CharField(
        "statut", max_length=12, choices=OrderStatus.choices, default=OrderStatus.VALIDATED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="gestionnaire",
    )
    created_at = models.DateTimeField("passée le", default=timezone.now, db_index=True)
    client_reference = models.CharField("référence client", max_length=20)
    vintage_year = models.PositiveSmallIntegerField("millésime")
    vintage_valid_until = models.DateField("titres valables jusqu'au")
    delivery_target = models.CharField(
        "livraison", max_length=10, choices=DeliveryTarget.choices, blank=True
    )
    delivery_recipient = models.CharField("destinataire", max_length=200, blank=True)
    delivery_address = models.CharField("adresse de livraison", max_length=255, blank=True)
    delivery_postcode = models.CharField("code postal", max_length=5, blank=True)
    delivery_city = models.CharField("ville", max_length=100, blank=True)
    transport_mode = models.CharField(
        "mode de transport", max_length=10, choices=TransportMode.choices, blank=True
    )
    delivery_date = models.DateField("date de livraison demandée")
    planned_delivery_date = models.DateField("date de livraison confirmée", null=True, blank=True)
    tracking_number = models.CharField("numéro de suivi", max_length=60, blank=True)
    cancel_reason = models.TextField("motif d'annulation", blank=True)
    terms = models.ForeignKey(
        TermsOfSale, on_delete=models.PROTECT, related_name="+", verbose_name="CGV acceptées"
    )
    terms_accepted_at = models.DateTimeField("CGV acceptées le")
    face_total = models.DecimalField("total valeur faciale", max_digits=12, decimal_places=2)
    employer_share_total = models.DecimalField(
        "total part patronale", max_digits=12, decimal_places=2
    )
    employee_share_total = models.DecimalField(
        "total part salariale", max_digits=12, decimal_places=2
    )
    order_fee = models.DecimalField("frais de commande HT", max_digits=10, decimal_places=2)
    booklet_fee = models.DecimalField("frais de carnets HT", max_digits=10, decimal_places=2)
    electronic_credit_fee = models.DecimalField(
        "frais de crédit e-CESU HT", max_digits=10, decimal_places=2
    )
    transport_fee = models.DecimalField("frais de transport HT", max_digits=10, decimal_places=2)
    fees_excl_vat = models.DecimalField("frais HT", max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField("taux de TVA (%)", max_digits=5, decimal_places=2)
    vat = models.DecimalField("TVA", max_digits=10, decimal_places=2)
    total_to_pay = models.DecimalField("total à payer", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "commande"
        verbose_name_plural = "commandes"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self):
        return self.number

    @property
    def fees_incl_vat(self):
        return self.fees_excl_vat + self.vat

    @property
    def has_paper(self) -> bool:
        return bool(self.transport_mode)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("ordre")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="order_lines"
    )
    beneficiary_name = models.CharField("bénéficiaire", max_length=320)
    employee_number = models.CharField("matricule", max_length=30, blank=True)
    beneficiary_email = models.EmailField("e-mail du bénéficiaire", blank=True)
    beneficiary_address = models.CharField("adresse du bénéficiaire", max_length=255, blank=True)
    beneficiary_postcode = models.CharField("code postal", max_length=5, blank=True)
    beneficiary_city = models.CharField("ville", max_length=100, blank=True)
    usage_category = models.ForeignKey(
        UsageCategory, on_delete=models.PROTECT, related_name="+", verbose_name="catégorie"
    )
    usage_category_label = models.CharField("catégorie d'utilisation", max_length=150)
    voucher_format = models.CharField("type de CESU", max_length=12, choices=VoucherFormat.choices)
    booklets = models.PositiveIntegerField("carnets")
    vouchers_per_booklet = models.PositiveSmallIntegerField("titres par carnet")
    vouchers = models.PositiveIntegerField("titres")
    face_value = models.DecimalField("valeur faciale", max_digits=6, decimal_places=2)
    employer_share_percent = models.DecimalField(
        "part patronale (%)", max_digits=5, decimal_places=2
    )
    face_total = models.DecimalField("total valeur faciale", max_digits=12, decimal_places=2)
    employer_share = models.DecimalField("part patronale", max_digits=12, decimal_places=2)
    employee_share = models.DecimalField("part salariale", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "ligne de commande"
        verbose_name_plural = "lignes de commande"
        ordering = ["position"]

    def __str__(self):
        return f"{self.beneficiary_name} – {self.booklets} × {self.vouchers_per_booklet}"

    @property
    def is_electronic(self) -> bool:
        return self.voucher_format == VoucherFormat.ELECTRONIC


class OrderEvent(models.Model):
    """One line of an order's timeline: who moved it from which status to which, when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("de", max_length=12, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=12, choices=OrderStatus.choices)
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
        verbose_name = "événement de commande"
        verbose_name_plural = "événements de commande"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_to_status_display()} le {self.created_at:%d/%m/%Y}"
