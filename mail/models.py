"""The « boîte postale virtuelle »: each item of mail a domiciliataire receives for a
company it domiciliates (its state machine, scans, forwarding, collection, destruction),
and each contract's mailbox (the company's alert and forwarding preferences, the date it
last took its mail, for the three-month rule of article R. 123-168 of the Code de
commerce)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models

from common.models import StatusEvent, WithPdfPreview
from common.uploads import UuidUploadTo, private_storage
from directory.models import Provider
from domiciliation.models import Contract
from domiciliation.periods import add_months

# Scans are purged this long after the item arrived, unless the contract says otherwise.
DEFAULT_RETENTION_MONTHS = 12
# The three-month rule: the provider is warned at 2½ months, the greffe told at 3.
UNCOLLECTED_WARNING_DAYS = 75
UNCOLLECTED_MONTHS = 3


class MailKind(models.TextChoices):
    LETTER = "letter", "Lettre simple"
    REGISTERED = "registered", "Lettre recommandée / avis de passage"
    PARCEL = "parcel", "Colis"
    E_REGISTERED = "e_registered", "Recommandé électronique"


class MailStatus(models.TextChoices):
    HELD = "held", "Conservé"
    TO_SCAN = "to_scan", "À numériser"
    TO_FORWARD = "to_forward", "À réexpédier"
    TO_COLLECT = "to_collect", "Retrait prévu"
    TO_DESTROY = "to_destroy", "À détruire"
    FORWARDED = "forwarded", "Réexpédié"
    COLLECTED = "collected", "Retiré"
    DESTROYED = "destroyed", "Détruit"
    RETURNED = "returned", "Retourné à l’expéditeur"


# One state machine per item: the company asks (scan, forward, collect, destroy), the
# provider does it. A forwarded, collected, destroyed or returned item is done.
MAIL_TRANSITIONS = {
    MailStatus.HELD: {
        MailStatus.TO_SCAN,
        MailStatus.TO_FORWARD,
        MailStatus.TO_COLLECT,
        MailStatus.TO_DESTROY,
        MailStatus.FORWARDED,
        MailStatus.COLLECTED,
    },
    MailStatus.TO_SCAN: {
        MailStatus.HELD,
        MailStatus.TO_FORWARD,
        MailStatus.TO_COLLECT,
        MailStatus.TO_DESTROY,
    },
    MailStatus.TO_FORWARD: {MailStatus.FORWARDED, MailStatus.HELD},
    MailStatus.TO_COLLECT: {MailStatus.COLLECTED, MailStatus.HELD, MailStatus.TO_FORWARD},
    MailStatus.TO_DESTROY: {MailStatus.DESTROYED},
    MailStatus.FORWARDED: set(),
    MailStatus.COLLECTED: set(),
    MailStatus.DESTROYED: set(),
    MailStatus.RETURNED: set(),
}
# Items still at the provider's (a collection or a forwarding takes them away).
WAITING_STATUSES = (
    MailStatus.HELD,
    MailStatus.TO_SCAN,
    MailStatus.TO_FORWARD,
    MailStatus.TO_COLLECT,
    MailStatus.TO_DESTROY,
)
# The provider's work queues, in the order of the « Courrier » page.
QUEUES = {
    "a-numeriser": (MailStatus.TO_SCAN, "À numériser"),
    "a-reexpedier": (MailStatus.TO_FORWARD, "À réexpédier"),
    "retraits-prevus": (MailStatus.TO_COLLECT, "Retraits prévus"),
    "a-detruire": (MailStatus.TO_DESTROY, "À détruire"),
}


class Mailbox(models.Model):
    """A contract's mailbox: how the company is alerted, what is done with its mail by
    default, where it is forwarded, and when the company last took its mail."""

    class Alerts(models.TextChoices):
        EACH = "each", "Un e-mail et un SMS pour chaque courrier"
        DIGEST = "digest", "Un récapitulatif quotidien par e-mail"

    class Standing(models.TextChoices):
        KEEP = "keep", "Conserver pour retrait"
        WEEKLY = "weekly", "Réexpédier chaque semaine"
        MONTHLY = "monthly", "Réexpédier chaque mois"

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="mailbox")
    alerts = models.CharField("alertes", max_length=10, choices=Alerts.choices, default=Alerts.EACH)
    standing = models.CharField(
        "traitement du courrier", max_length=10, choices=Standing.choices, default=Standing.KEEP
    )
    forward_address = models.TextField("adresse de réexpédition", blank=True)
    retention_months = models.PositiveSmallIntegerField(
        "conservation des numérisations (mois)", default=DEFAULT_RETENTION_MONTHS
    )
    # The last collection, forwarding sent or content scan opened (the contract's start
    # until then): the three-month rule counts from it.
    last_retrieval_on = models.DateField("dernier retrait du courrier", null=True, blank=True)
    # The retrieval date the provider was warned about (2½ months), once.
    warned_for = models.DateField("alerte des 2 mois et demi pour", null=True, blank=True)
    # The « procuration postale »: signed by the company with an SMS code.
    proxy_signed_at = models.DateTimeField("procuration postale signée le", null=True, blank=True)
    proxy_signer_name = models.CharField("procuration signée par", max_length=300, blank=True)
    proxy_phone = models.CharField("téléphone du code", max_length=20, blank=True)
    proxy_ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "boîte postale"
        verbose_name_plural = "boîtes postales"

    def __str__(self):
        return f"Courrier – {self.contract}"

    @property
    def retrieval_reference(self):
        """The date the three-month rule counts from."""
        return self.last_retrieval_on or self.contract.starts_on

    @property
    def has_proxy(self) -> bool:
        return self.proxy_signed_at is not None

    @property
    def greffe_due_on(self):
        return add_months(self.retrieval_reference, UNCOLLECTED_MONTHS)

    @property
    def warning_on(self):
        return self.retrieval_reference + timedelta(days=UNCOLLECTED_WARNING_DAYS)


class MailItemQuerySet(models.QuerySet):
    def for_organization(self, organization):
        if organization is None:
            return self.none()
        return self.filter(provider__organization=organization)

    def of_company(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(contract__owner=user)

    def waiting(self):
        return self.filter(status__in=WAITING_STATUSES)


class MailItem(models.Model):
    """One item of mail received for a company: who sent it, when, what it is, and what
    became of it. Returned to sender at once when no contract receives it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="mail_items", null=True, blank=True
    )
    addressee = models.CharField("destinataire", max_length=200)
    kind = models.CharField("nature", max_length=15, choices=MailKind.choices)
    sender = models.CharField("expéditeur", max_length=200)
    received_on = models.DateField("reçu le")
    pages = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=12, choices=MailStatus.choices, default=MailStatus.HELD
    )
    read_at = models.DateTimeField("lu le", null=True, blank=True)
    alerted_at = models.DateTimeField("alerte envoyée le", null=True, blank=True)
    # What the company asked for a forwarding.
    requested_address = models.TextField("adresse demandée", blank=True)
    # What the provider recorded.
    forwarded_on = models.DateField("réexpédié le", null=True, blank=True)
    forwarded_to = models.TextField("réexpédié à", blank=True)
    tracking_number = models.CharField("numéro de suivi", max_length=60, blank=True)
    postage = models.DecimalField(
        "affranchissement", max_digits=7, decimal_places=2, null=True, blank=True
    )
    collected_by = models.CharField("retiré par", max_length=200, blank=True)
    identity_document = models.CharField("pièce d’identité vue", max_length=200, blank=True)
    done_on = models.DateField("traité le", null=True, blank=True)
    scans_purged_at = models.DateTimeField("numérisations supprimées le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    TRANSITIONS = MAIL_TRANSITIONS

    objects = MailItemQuerySet.as_manager()

    class Meta:
        verbose_name = "courrier"
        verbose_name_plural = "courriers"
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["provider", "status", "received_on"], name="mail_provider_queue"),
            models.Index(fields=["contract", "status", "received_on"], name="mail_contract_box"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} de {self.sender} pour {self.addressee}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING_STATUSES

    @property
    def needs_proxy(self) -> bool:
        """Registered mail and parcels are handed over against the company's proxy."""
        return self.kind in (MailKind.REGISTERED, MailKind.PARCEL)

    @property
    def may_scan(self) -> bool:
        return self.status == MailStatus.HELD

    @property
    def may_forward(self) -> bool:
        return MailStatus.TO_FORWARD in MAIL_TRANSITIONS[self.status]

    @property
    def may_collect(self) -> bool:
        return MailStatus.TO_COLLECT in MAIL_TRANSITIONS[self.status]

    @property
    def may_destroy(self) -> bool:
        return MailStatus.TO_DESTROY in MAIL_TRANSITIONS[self.status]

    @property
    def may_record_forwarding(self) -> bool:
        return MailStatus.FORWARDED in MAIL_TRANSITIONS[self.status]

    @property
    def may_record_collection(self) -> bool:
        return MailStatus.COLLECTED in MAIL_TRANSITIONS[self.status]

    @property
    def may_record_destruction(self) -> bool:
        return self.status == MailStatus.TO_DESTROY

    @property
    def is_returned(self) -> bool:
        return self.status == MailStatus.RETURNED


class MailItemEvent(StatusEvent):
    item = models.ForeignKey(MailItem, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("de", max_length=20, choices=MailStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=20, choices=MailStatus.choices, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = "événement du courrier"
        verbose_name_plural = "événements du courrier"


class MailScan(WithPdfPreview):
    """The scan of an item's envelope or content: a PDF (with the picture of its first
    page), a JPEG or a PNG, checked from its content, kept in the private storage."""

    class Side(models.TextChoices):
        ENVELOPE = "envelope", "Enveloppe"
        CONTENT = "content", "Contenu"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(MailItem, on_delete=models.CASCADE, related_name="scans")
    side = models.CharField("face", max_length=10, choices=Side.choices)
    file = models.FileField("fichier", storage=private_storage, upload_to=UuidUploadTo("mail"))
    kind = models.CharField("format", max_length=4)  # pdf, jpeg, png
    size = models.PositiveIntegerField("taille", default=0)
    uploaded_at = models.DateTimeField("numérisé le", auto_now_add=True)

    class Meta:
        verbose_name = "numérisation"
        verbose_name_plural = "numérisations"
        ordering = ["side", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "side"], name="mail_scan_one_per_side")
        ]

    @property
    def is_pdf(self) -> bool:
        return self.kind == "pdf"

    @property
    def is_content(self) -> bool:
        return self.side == self.Side.CONTENT


class ProxyCode(models.Model):
    """A one-time code sent by SMS to sign the postal proxy: 6 digits, valid 10 minutes,
    5 attempts, only its HMAC stored (the rules of domiciliation.services.signatures)."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="proxy_codes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    phone = models.CharField("envoyé au", max_length=20)
    ip_address = models.GenericIPAddressField("demandé depuis", null=True, blank=True)
    created_at = models.DateTimeField("envoyé le")
    expires_at = models.DateTimeField("valable jusqu’au")
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "code de procuration"
        verbose_name_plural = "codes de procuration"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Code du {self.created_at:%d/%m/%Y %H:%M} pour {self.mailbox}"
