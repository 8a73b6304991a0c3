"""The running contract (« contrat de domiciliation ») once a case is signed: its terms
copied from the accepted offer and from what the case was decided on, its billing
calendar, its end, and the notices the domiciliataire owes the greffe."""

import copy
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from common.models import StatusEvent
from common.uploads import UuidUploadTo, private_storage
from directory.models import Provider

from ..greffes import greffe_of
from ..periods import add_months, period_bounds
from ..pricing import period_charge
from .cases import MIN_CONTRACT_MONTHS, BillingPeriod, Case, ProviderOwnedQuerySet


class ContractStatus(models.TextChoices):
    RUNNING = "running", "En cours"
    NOTICE = "notice", "En préavis"
    SUSPENDED = "suspended", "Suspendu pour impayé"
    ENDED = "ended", "Terminé"


# The only moves a contract may make (ARCHITECTURE.md): notice given by either side,
# services suspended while an invoice stays unpaid, back when it is paid, the end on the
# end date. A notice given while suspended keeps the contract suspended (its end date
# is set); paid, it goes to « notice ».
CONTRACT_TRANSITIONS = {
    ContractStatus.RUNNING: {ContractStatus.NOTICE, ContractStatus.SUSPENDED},
    ContractStatus.NOTICE: {ContractStatus.ENDED, ContractStatus.SUSPENDED},
    ContractStatus.SUSPENDED: {ContractStatus.RUNNING, ContractStatus.NOTICE, ContractStatus.ENDED},
    ContractStatus.ENDED: set(),
}

# Contracts that still hold the company's registered office.
ACTIVE_STATUSES = (ContractStatus.RUNNING, ContractStatus.NOTICE, ContractStatus.SUSPENDED)


class Forwarding(models.TextChoices):
    NONE = "none", "Sans réexpédition"
    WEEKLY = "weekly", "Réexpédition hebdomadaire"
    MONTHLY = "monthly", "Réexpédition mensuelle"


class Termination(models.TextChoices):
    COMPANY_NOTICE = "company_notice", "Résiliation par le domicilié"
    SEAT_TRANSFER = "seat_transfer", "Transfert de siège"
    PROVIDER_CAUSE = "provider_cause", "Résiliation par le domiciliataire pour manquement"
    NON_PAYMENT = "non_payment", "Résiliation pour impayé"


class ContractQuerySet(ProviderOwnedQuerySet):
    def of_company(self, user):
        """The contracts of the company's own account."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def receiving_mail(self):
        """The contracts whose company may still receive mail at the domiciliataire's
        address: every one but the ended ones (mail arriving for an ended contract is
        returned to its sender). A suspended contract still receives it; its services
        (scan, forwarding) wait for payment."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def to_bill(self, today):
        """The contracts with a period to bill on or before `today`, and still running on
        that period's first day."""
        return self.filter(status__in=ACTIVE_STATUSES, next_billing_on__lte=today).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("next_billing_on"))
        )


class Contract(models.Model):
    """The domiciliation contract of a signed case. Its terms are copied once, from the
    accepted offer and the file the case was decided on; a later change of price or
    options is recorded here and applies from the next period."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="contract")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="domiciliation_contracts",
        verbose_name="entreprise (compte)",
    )
    number = models.CharField("numéro", max_length=20)
    status = models.CharField(
        "statut", max_length=10, choices=ContractStatus.choices, default=ContractStatus.RUNNING
    )
    # Copied from the case as decided, for the lists and the notices.
    company_name = models.CharField("dénomination", max_length=200)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    starts_on = models.DateField("début")
    billing_months = models.PositiveSmallIntegerField(
        "périodicité de facturation", choices=BillingPeriod.choices
    )
    initial_months = models.PositiveSmallIntegerField(
        "durée initiale (mois)", validators=[MinValueValidator(MIN_CONTRACT_MONTHS)]
    )
    notice_months = models.PositiveSmallIntegerField("préavis (mois)", default=1)
    monthly_price = models.DecimalField(
        "prix mensuel HT",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("9999.99"))],
    )
    mail_scan = models.BooleanField("numérisation du courrier", default=False)
    mail_scan_price = models.DecimalField(
        "numérisation, prix mensuel HT", max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    forwarding = models.CharField(
        "réexpédition", max_length=10, choices=Forwarding.choices, default=Forwarding.NONE
    )
    forwarding_price = models.DecimalField(
        "réexpédition, prix mensuel HT", max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    # A change of price or options announced to the company, applied when the period
    # starting on `pending_from` is billed: {"monthly_price": "35.00", ...}.
    pending_terms = models.JSONField("changements annoncés", default=dict, blank=True)
    pending_from = models.DateField("changements à partir du", null=True, blank=True)
    # The next period to bill: its index from the start (0 is the first payment's) and
    # its first day, kept for the billing job's query.
    next_period = models.PositiveIntegerField("prochaine période", default=1)
    next_billing_on = models.DateField("prochaine facture le", db_index=True)
    term_ends_on = models.DateField("fin de la période contractuelle en cours")
    # The end: who asked for it and why, the last day of domiciliation, when it ended.
    termination = models.CharField(
        "motif de fin", max_length=20, choices=Termination.choices, blank=True
    )
    termination_note = models.TextField("précisions", blank=True)
    notice_given_on = models.DateField("préavis donné le", null=True, blank=True)
    ends_on = models.DateField("dernier jour de domiciliation", null=True, blank=True)
    ended_at = models.DateTimeField("terminé le", null=True, blank=True)
    suspended_at = models.DateTimeField("suspendu le", null=True, blank=True)
    stripe_customer = models.CharField("client Stripe", max_length=255, blank=True)
    # A company created through the portal owes its Kbis and SIREN once registered
    # (R123-168; article 4 of the standard contract): reminded at each step of
    # services.registration.REMINDER_DAYS until it sends them.
    awaits_registration = models.BooleanField("Kbis et SIREN attendus", default=False)
    registration_reminders = models.PositiveSmallIntegerField("relances Kbis envoyées", default=0)
    kbis = models.FileField(
        "extrait Kbis",
        storage=private_storage,
        upload_to=UuidUploadTo("kbis"),
        blank=True,
    )
    kbis_kind = models.CharField("format du Kbis", max_length=4, blank=True)
    registered_at = models.DateTimeField("Kbis et SIREN reçus le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    TRANSITIONS = CONTRACT_TRANSITIONS

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat de domiciliation"
        verbose_name_plural = "contrats de domiciliation"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "number"], name="contract_number_per_provider"
            )
        ]
        indexes = [
            models.Index(
                fields=["provider", "status", "company_name"], name="contract_provider_status"
            ),
            models.Index(fields=["status", "next_billing_on"], name="contract_status_billing"),
        ]

    def __str__(self):
        return f"Contrat {self.number} – {self.company_name}"

    # What the pages ask of a contract.

    @property
    def owes_registration(self) -> bool:
        """The company has not sent its Kbis and SIREN yet (created through the portal)."""
        return self.awaits_registration and self.status != ContractStatus.ENDED

    @property
    def is_running(self) -> bool:
        return self.status == ContractStatus.RUNNING

    @property
    def is_in_notice(self) -> bool:
        return self.status == ContractStatus.NOTICE

    @property
    def is_suspended(self) -> bool:
        return self.status == ContractStatus.SUSPENDED

    @property
    def is_ended(self) -> bool:
        return self.status == ContractStatus.ENDED

    @property
    def receives_mail(self) -> bool:
        """Mail arriving for the company is kept (see ContractQuerySet.receiving_mail)."""
        return self.status in ACTIVE_STATUSES

    @property
    def returns_mail_to_sender(self) -> bool:
        """Mail arriving after the end goes back to its sender."""
        return self.status == ContractStatus.ENDED

    @property
    def mail_services_suspended(self) -> bool:
        """Scans and forwarding wait while an invoice is unpaid past the delay."""
        return self.status == ContractStatus.SUSPENDED

    @property
    def may_give_notice(self) -> bool:
        """No end date yet, and not ended."""
        return self.ends_on is None and self.status != ContractStatus.ENDED

    @property
    def minimum_ends_on(self):
        """The last day of the initial term: no end before it (R123-168: 3 months at
        least)."""
        return add_months(self.starts_on, self.initial_months) - timedelta(days=1)

    @property
    def option_total(self) -> Decimal:
        total = Decimal("0.00")
        if self.mail_scan:
            total += self.mail_scan_price
        if self.forwarding != Forwarding.NONE:
            total += self.forwarding_price
        return total

    @property
    def monthly_total(self) -> Decimal:
        """What a month of the contract costs, excl. tax, options included."""
        return self.monthly_price + self.option_total

    @property
    def next_period_bounds(self):
        return period_bounds(self.starts_on, self.billing_months, self.next_period)

    @property
    def has_next_invoice(self) -> bool:
        return self.status != ContractStatus.ENDED and (
            self.ends_on is None or self.next_billing_on <= self.ends_on
        )

    def apply_pending_terms(self, period_start) -> bool:
        """Applies the announced changes when the period starting on `period_start` is
        the first they concern (the caller saves). Returns whether anything changed."""
        if not self.pending_terms or self.pending_from is None:
            return False
        if period_start < self.pending_from:
            return False
        for name, value in self.pending_terms.items():
            setattr(self, name, self._meta.get_field(name).to_python(value))
        self.pending_terms = {}
        self.pending_from = None
        return True

    @property
    def next_invoice(self):
        """What the next invoice will bill (a Charge), under the terms it will carry."""
        if not self.has_next_invoice:
            return None
        first, last = self.next_period_bounds
        terms = copy.copy(self)
        terms.apply_pending_terms(first)
        return period_charge(terms, first, last, min(last, self.ends_on or last))


class ContractEvent(StatusEvent):
    """One line of the contract's timeline, shown to both parties: a status move, an
    invoice issued or paid, a reminder, a notice, a renewal…"""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("de", max_length=20, choices=ContractStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=20, choices=ContractStatus.choices, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = "événement du contrat"
        verbose_name_plural = "événements du contrat"

    def __str__(self):
        return f"{self.contract_id} {self.from_status}→{self.to_status}"


class GreffeNotice(models.Model):
    """A notice the domiciliataire owes the greffe (R123-168): a contract that ended (the
    mailbox adds the company that has not collected its mail for three months). It is
    due, then sent: its date and channel are recorded once and never changed."""

    class Kind(models.TextChoices):
        CONTRACT_END = "contract_end", "Fin du contrat de domiciliation"
        MAIL_UNCOLLECTED = "mail_uncollected", "Courrier non retiré depuis trois mois"

    class Status(models.TextChoices):
        DUE = "due", "À signaler au greffe"
        SENT = "sent", "Envoyé au greffe"

    class Channel(models.TextChoices):
        REGISTERED_LETTER = "registered_letter", "Lettre recommandée avec avis de réception"
        LETTER = "letter", "Lettre simple"
        EMAIL = "email", "Courriel au greffe"
        ONLINE = "online", "Dépôt en ligne"

    TRANSITIONS = {Status.DUE: {Status.SENT}, Status.SENT: set()}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="greffe_notices")
    kind = models.CharField("objet", max_length=20, choices=Kind.choices)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DUE)
    # The date the notice reports: the contract's last day (or the last retrieval).
    event_date = models.DateField("date du fait signalé")
    pdf = models.FileField(
        "lettre (PDF)", storage=private_storage, upload_to=UuidUploadTo("greffe"), blank=True
    )
    sent_on = models.DateField("envoyé le", null=True, blank=True)
    channel = models.CharField("envoyé par", max_length=20, choices=Channel.choices, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "avis au greffe"
        verbose_name_plural = "avis au greffe"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "event_date"], name="greffe_notice_once_per_fact"
            )
        ]
        indexes = [
            models.Index(fields=["provider", "status", "created_at"], name="greffe_provider_status")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.contract}"

    @property
    def is_due(self) -> bool:
        return self.status == self.Status.DUE

    @property
    def is_contract_end(self) -> bool:
        return self.kind == self.Kind.CONTRACT_END

    @property
    def is_mail_uncollected(self) -> bool:
        return self.kind == self.Kind.MAIL_UNCOLLECTED

    @property
    def greffe(self) -> str:
        """The greffe of the company's seat (domiciliation.greffes)."""
        return greffe_of(self.contract.case.centre)


class GreffeNoticeEvent(StatusEvent):
    notice = models.ForeignKey(GreffeNotice, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = "événement de l’avis au greffe"
        verbose_name_plural = "événements de l’avis au greffe"
