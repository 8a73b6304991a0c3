"""« Mon panier », the orders it becomes, their timeline, and the invoices and credit
notes they are billed with."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization, TenantModel
from common.models import StatusEvent
from common.uploads import UuidUploadTo, private_storage

from .. import carriers
from ..carriers import Carrier
from ..delivery_calendar import TransportMode, format_day
from .beneficiaries import Beneficiary
from .catalogue import TermsOfSale, UsageCategory, VoucherFormat
from .funders import DeliveryAddress


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


class Order(TenantModel):
    """A validated order. Every amount, name and fee is copied from the cart and the
    catalogue at validation, so later changes never alter it."""

    # The only moves an order may make; every move is one service in services/orders.py,
    # through common.transitions.status_move.
    TRANSITIONS = {
        OrderStatus.VALIDATED: {OrderStatus.RECEIVED, OrderStatus.CANCELLED},
        OrderStatus.RECEIVED: {OrderStatus.MANUFACTURED, OrderStatus.CANCELLED},
        OrderStatus.MANUFACTURED: {OrderStatus.SHIPPED},
        OrderStatus.SHIPPED: {OrderStatus.DELIVERED},
        OrderStatus.DELIVERED: set(),
        OrderStatus.CANCELLED: set(),
    }

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
    vintage_valid_until = models.DateField("titres utilisables jusqu'au")
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
    carrier = models.CharField("transporteur", max_length=12, choices=Carrier.choices, blank=True)
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
    # « Récapitulatif PDF » and the lines as a workbook: made once by a task (a big order
    # takes a while), then served as stored (services/order_files.py).
    recap_pdf = models.FileField(
        "récapitulatif PDF",
        storage=private_storage,
        upload_to=UuidUploadTo("order-recaps"),
        blank=True,
    )
    recap_pdf_requested_at = models.DateTimeField(
        "récapitulatif PDF demandé le", null=True, blank=True
    )
    lines_xlsx = models.FileField(
        "lignes (Excel)",
        storage=private_storage,
        upload_to=UuidUploadTo("order-lines"),
        blank=True,
    )
    lines_xlsx_requested_at = models.DateTimeField(
        "lignes (Excel) demandées le", null=True, blank=True
    )

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

    @property
    def tracking_url(self) -> str:
        """The carrier's public tracking page of the parcel, "" when there is none."""
        return carriers.tracking_url(self.carrier, self.tracking_number)

    @property
    def vintage_label(self) -> str:
        """« Millésime 2026, utilisable jusqu’au 31 janvier 2027 »: what every line of the
        order shows (one millésime per order)."""
        until = format_day(self.vintage_valid_until)
        return f"Millésime {self.vintage_year}, utilisable jusqu’au {until}"

    def may_move_to(self, status: str) -> bool:
        """Whether TRANSITIONS allow `status` from the status this instance holds (the
        services check it again under a row lock)."""
        return status in self.TRANSITIONS[OrderStatus(self.status)]


ORDER_TRANSITIONS = Order.TRANSITIONS


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


class OrderEvent(StatusEvent):
    """One line of an order's timeline: who moved it from which status to which, when.
    Written by `common.transitions.status_move` through the order services only."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("de", max_length=12, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=12, choices=OrderStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = "événement de commande"
        verbose_name_plural = "événements de commande"

    def __str__(self):
        return f"{self.get_to_status_display()} le {self.created_at:%d/%m/%Y}"


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
