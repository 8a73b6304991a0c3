"""Money between the company and the domiciliataire: payments (the first one of a case,
then each invoice of the running contract), the invoices and credit notes the
domiciliataire issues, and the payment method the company saves for its invoices."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from common.models import StatusEvent
from common.uploads import UuidUploadTo, private_storage
from directory.models import Provider

from .cases import Case, ProviderOwnedQuerySet
from .contracts import Contract


class Payment(models.Model):
    """One attempt at paying: the first payment of a case, or an invoice of its running
    contract (`invoice` set from the start, charged off-session to a saved method or paid
    by the company); online (Stripe or the simulated provider) or a bank transfer
    recorded by the domiciliataire. Only a succeeded payment moves the case or settles
    the invoice; one nobody expects any more waits for a refund."""

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
    # The invoice paid: a contract invoice from the start; the first invoice of a case
    # once the payment succeeded and issued it.
    invoice = models.ForeignKey(
        "Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        related_query_name="payment",
    )
    saved_method = models.ForeignKey(
        "SavedPaymentMethod",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name="moyen de paiement enregistré",
    )
    method = models.CharField("moyen de paiement", max_length=10, choices=Method.choices)
    status = models.CharField(
        "statut", max_length=15, choices=Status.choices, default=Status.PENDING
    )
    amount = models.DecimalField("montant TTC", max_digits=10, decimal_places=2)
    # The Checkout Session id at Stripe, or the bank transfer's reference.
    reference = models.CharField("référence", max_length=255, blank=True)
    # Stripe's PaymentIntent, needed to refund a payment received after expiry.
    provider_payment_id = models.CharField("identifiant du paiement", max_length=255, blank=True)
    # The key sent to the payment provider with an off-session charge: the same attempt
    # retried (a worker killed mid-call) is the same charge, never a second one.
    idempotency_key = models.CharField("clé d’idempotence", max_length=120, blank=True)
    failure_reason = models.CharField("motif du refus", max_length=500, blank=True)
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
                fields=["invoice"],
                condition=models.Q(status="succeeded"),
                name="payment_one_succeeded_per_invoice",
            )
        ]
        indexes = [models.Index(fields=["provider_payment_id"], name="payment_provider_id")]

    def __str__(self):
        return f"{self.get_method_display()} {self.amount} € ({self.get_status_display()})"

    @property
    def means(self) -> str:
        """How it was paid, as the pages say it: the saved method (« Visa •••• 4242 »),
        else the method."""
        return self.saved_method.label if self.saved_method_id else self.get_method_display()

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

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


class InvoiceQuerySet(ProviderOwnedQuerySet):
    def unpaid(self):
        return self.filter(status__in=Invoice.UNPAID)


class Invoice(models.Model):
    """An invoice the domiciliataire issues: the first payment of a case, each period of
    its running contract, an option added during a period (pro rata). Numbers follow each
    other without gaps per domiciliataire and year (CGI, annexe II, art. 242 nonies A).
    Issued, it is never edited nor deleted: only its status moves, and a credit note
    cancels it."""

    class Kind(models.TextChoices):
        FIRST = "first", "Premier paiement"
        PERIOD = "period", "Période du contrat"
        OPTION = "option", "Option ajoutée en cours de période"

    class Status(models.TextChoices):
        ISSUED = "issued", "À payer"
        OVERDUE = "overdue", "En retard"
        PAID = "paid", "Payée"
        CANCELLED = "cancelled", "Annulée par avoir"

    TRANSITIONS = {
        Status.ISSUED: {Status.PAID, Status.OVERDUE, Status.CANCELLED},
        Status.OVERDUE: {Status.PAID, Status.CANCELLED},
        Status.PAID: {Status.CANCELLED},
        Status.CANCELLED: set(),
    }
    UNPAID = (Status.ISSUED, Status.OVERDUE)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="invoices")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="invoices")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    kind = models.CharField("objet", max_length=10, choices=Kind.choices, default=Kind.FIRST)
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    number = models.CharField("numéro", max_length=30)
    issue_date = models.DateField("date d’émission")
    due_date = models.DateField("à payer avant le", null=True, blank=True)
    # The period billed: its index from the contract's start (0: the first payment's),
    # its first and last days.
    period_index = models.PositiveIntegerField("période", null=True, blank=True)
    period_start = models.DateField("du", null=True, blank=True)
    period_end = models.DateField("au", null=True, blank=True)
    # What a month of the contract is worth in this invoice (monthly recurring revenue).
    monthly_excl_tax = models.DecimalField(
        "mensualité HT", max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    lines = models.JSONField("lignes", default=list, blank=True)
    rent_excl_tax = models.DecimalField("domiciliation HT", max_digits=10, decimal_places=2)
    setup_fee_excl_tax = models.DecimalField("frais de dossier HT", max_digits=10, decimal_places=2)
    amount_excl_tax = models.DecimalField("montant HT", max_digits=10, decimal_places=2)
    vat_amount = models.DecimalField("TVA", max_digits=10, decimal_places=2)
    amount_incl_tax = models.DecimalField("montant TTC", max_digits=10, decimal_places=2)
    paid_at = models.DateTimeField("payée le", null=True, blank=True)
    # The last reminder sent: 0 none, 1 at the due date, 2 a week after.
    reminders_sent = models.PositiveSmallIntegerField("relances envoyées", default=0)
    pdf = models.FileField(
        "PDF", storage=private_storage, upload_to=UuidUploadTo("invoices"), blank=True
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = "facture de domiciliation"
        verbose_name_plural = "factures de domiciliation"
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "number"], name="invoice_number_per_provider"
            ),
            # A contract's period is billed once, whoever bills it and however often the
            # job runs; a cancelled invoice frees its period for the one replacing it.
            models.UniqueConstraint(
                fields=["contract", "period_index"],
                condition=models.Q(kind__in=["first", "period"]) & ~models.Q(status="cancelled"),
                name="invoice_one_per_contract_period",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(kind="first"), name="invoice_one_first_per_case"
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status", "due_date"], name="invoice_provider_due"),
            models.Index(fields=["status", "due_date"], name="invoice_status_due"),
            models.Index(fields=["provider", "period_start"], name="invoice_provider_period"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID

    @property
    def is_unpaid(self) -> bool:
        return self.status in self.UNPAID

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OVERDUE

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def line_items(self) -> list[tuple[str, Decimal]]:
        """(label, amount excl. tax) of each line; the first invoice of a case kept its
        two amounts only."""
        if self.lines:
            return [(line["label"], Decimal(line["excl_tax"])) for line in self.lines]
        items = [("Domiciliation", self.rent_excl_tax)]
        if self.setup_fee_excl_tax:
            items.append(("Frais de dossier", self.setup_fee_excl_tax))
        return items


class InvoiceEvent(StatusEvent):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("de", max_length=20, choices=Invoice.Status.choices, blank=True)
    to_status = models.CharField("vers", max_length=20, choices=Invoice.Status.choices, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = "événement de la facture"
        verbose_name_plural = "événements de la facture"


class CreditNote(models.Model):
    """An « avoir »: cancels an invoice in whole or in part (a refund, a cancelled
    period, the unused days after a contract's end). Numbered without gaps per
    domiciliataire and year, in its own sequence; never edited nor deleted. When the
    credited invoice was paid, the money is owed back: `refund_due` until `refunded_at`."""

    class Reason(models.TextChoices):
        REFUND = "refund", "Remboursement"
        CANCELLATION = "cancellation", "Annulation de la facture"
        CONTRACT_END = "contract_end", "Fin du contrat : période non utilisée"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="credit_notes")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField("numéro", max_length=30)
    issue_date = models.DateField("date d’émission")
    reason = models.CharField("motif", max_length=20, choices=Reason.choices)
    note = models.CharField("précision", max_length=300, blank=True)
    lines = models.JSONField("lignes", default=list, blank=True)
    amount_excl_tax = models.DecimalField("montant HT", max_digits=10, decimal_places=2)
    vat_amount = models.DecimalField("TVA", max_digits=10, decimal_places=2)
    amount_incl_tax = models.DecimalField("montant TTC", max_digits=10, decimal_places=2)
    refund_due = models.BooleanField("à rembourser", default=False)
    refunded_at = models.DateTimeField("remboursé le", null=True, blank=True)
    pdf = models.FileField(
        "PDF", storage=private_storage, upload_to=UuidUploadTo("credit-notes"), blank=True
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = ProviderOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "avoir de domiciliation"
        verbose_name_plural = "avoirs de domiciliation"
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "number"], name="credit_note_number_per_provider"
            )
        ]

    def __str__(self):
        return self.number

    @property
    def awaits_refund(self) -> bool:
        return self.refund_due and self.refunded_at is None

    @property
    def line_items(self) -> list[tuple[str, Decimal]]:
        return [(line["label"], Decimal(line["excl_tax"])) for line in self.lines]


class SavedPaymentMethod(models.Model):
    """The card or SEPA direct-debit mandate the company saved once (Stripe Checkout in
    setup mode, or the simulated provider) for the contract's invoices to be charged
    off-session. A new one replaces the previous one."""

    class Kind(models.TextChoices):
        CARD = "card", "Carte bancaire"
        SEPA_DEBIT = "sepa_debit", "Prélèvement SEPA"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payment_methods")
    gateway = models.CharField("prestataire", max_length=10, choices=Payment.Method.choices)
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    label = models.CharField("libellé", max_length=100)
    # At Stripe: the PaymentMethod; the Checkout Session that saved it (one method per
    # session, whatever the number of webhook deliveries).
    method_id = models.CharField("identifiant du moyen de paiement", max_length=255)
    setup_reference = models.CharField("session d’enregistrement", max_length=255, blank=True)
    is_active = models.BooleanField("en usage", default=True)
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "moyen de paiement enregistré"
        verbose_name_plural = "moyens de paiement enregistrés"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(is_active=True),
                name="payment_method_one_active_per_contract",
            ),
            models.UniqueConstraint(
                fields=["setup_reference"],
                condition=~models.Q(setup_reference=""),
                name="payment_method_once_per_setup",
            ),
        ]

    def __str__(self):
        return self.label
