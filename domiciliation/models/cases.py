"""A client file at one domiciliataire (« dossier »): its status, timeline, proof reviews,
offer and contract clauses."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property

from common.models import StatusEvent
from directory.models import Provider, ProviderCentre

from ..pricing import first_payment
from .requests import BeneficialOwner, ClientFile, Proof, ProofType


class CaseStatus(models.TextChoices):
    S1 = "S1", "Dossier en attente d’acceptation ou de classement (S1)"
    ACCEPTED = "accepted", "Accepté, en attente du premier paiement"
    PAID = "paid", "Payé, contrat à signer"
    SIGNED = "signed", "Contrat signé"
    DISMISSED = "dismissed", "Classé sans suite"
    EXPIRED = "expired", "Expiré"
    # By the company, or because it signed with another domiciliataire (Case.status_label).
    WITHDRAWN = "withdrawn", "Retiré"


NBSP = "\u00a0"

# The only moves a case may make (ARCHITECTURE.md); one service per move.
CASE_TRANSITIONS = {
    CaseStatus.S1: {CaseStatus.ACCEPTED, CaseStatus.DISMISSED, CaseStatus.WITHDRAWN},
    CaseStatus.ACCEPTED: {CaseStatus.PAID, CaseStatus.EXPIRED, CaseStatus.WITHDRAWN},
    CaseStatus.PAID: {CaseStatus.SIGNED, CaseStatus.WITHDRAWN},
    CaseStatus.SIGNED: set(),
    CaseStatus.DISMISSED: set(),
    CaseStatus.EXPIRED: {CaseStatus.ACCEPTED, CaseStatus.WITHDRAWN},
    CaseStatus.WITHDRAWN: set(),
}


# A domiciliation contract runs at least 3 months (Code de commerce, art. R123-168).
MIN_CONTRACT_MONTHS = 3


class BillingPeriod(models.IntegerChoices):
    MONTHLY = 1, "Mensuelle"
    QUARTERLY = 3, "Trimestrielle"
    HALF_YEARLY = 6, "Semestrielle"
    YEARLY = 12, "Annuelle"


# The questionnaire's answers a case is decided on: copied from the file when it is sent,
# kept up to date while the case is in S1, frozen once the domiciliataire has decided.
DECLARED_FIELDS = [
    "company_status",
    "legal_form",
    "company_name",
    "siren",
    "activity",
    "start_date",
    "rep_civility",
    "rep_first_name",
    "rep_last_name",
    "rep_birth_date",
    "rep_birth_place",
    "rep_nationality",
    "rep_address",
    "rep_postcode",
    "rep_city",
    "rep_email",
    "rep_mobile",
    "services",
    "mail_handling",
]


class ProviderOwnedQuerySet(models.QuerySet):
    """Rows that belong to a domiciliataire through their `provider`."""

    def for_organization(self, organization):
        """The rows of the domiciliataire of `organization`; none otherwise."""
        if organization is None:
            return self.none()
        return self.filter(provider__organization=organization)


class CaseQuerySet(ProviderOwnedQuerySet):
    """Cases, each addressed to one domiciliataire."""


class Case(models.Model):
    """The client file at one domiciliataire: one per (file, domiciliataire)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_file = models.ForeignKey(ClientFile, on_delete=models.PROTECT, related_name="cases")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="cases")
    centre = models.ForeignKey(
        ProviderCentre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        "statut", max_length=10, choices=CaseStatus.choices, default=CaseStatus.S1
    )
    # The offer, set by the domiciliataire on the « Contrat » page before accepting.
    monthly_price = models.DecimalField(
        "prix mensuel HT",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("9999.99"))],
    )
    setup_fee = models.DecimalField(
        "frais de dossier HT",
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(Decimal("9999.99"))],
    )
    billing_months = models.PositiveSmallIntegerField(
        "périodicité de paiement", choices=BillingPeriod.choices, default=BillingPeriod.QUARTERLY
    )
    duration_months = models.PositiveSmallIntegerField(
        "durée initiale (mois)",
        default=MIN_CONTRACT_MONTHS,
        validators=[MinValueValidator(MIN_CONTRACT_MONTHS), MaxValueValidator(120)],
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidé par",
    )
    dismissal_reason = models.TextField("motif du classement sans suite", blank=True)
    payment_due_at = models.DateTimeField("premier paiement attendu avant", null=True, blank=True)
    # The last reminder sent for the current deadline: 0 none, 1 three days before, 2 one
    # day before. Reactivation sets it back to 0.
    payment_reminders_sent = models.PositiveSmallIntegerField("relances envoyées", default=0)
    # Withdrawn by the platform because the company signed with another domiciliataire,
    # not by the company itself.
    signed_elsewhere = models.BooleanField("retiré car signé ailleurs", default=False)
    paid_at = models.DateTimeField("payé le", null=True, blank=True)
    signed_at = models.DateTimeField("signé le", null=True, blank=True)
    contract_starts_on = models.DateField("début du contrat", null=True, blank=True)
    # What the case is decided on (DECLARED_FIELDS and the beneficial owners), as sent:
    # the contract, the invoice and the attestation render from it, never from the file.
    declared_data = models.JSONField("dossier déclaré", default=dict, blank=True)
    # Copied from declared_data for the case list and its search.
    company_name = models.CharField("dénomination", max_length=200, blank=True)
    representative = models.CharField("représentant légal", max_length=301, blank=True)
    file_changed_at = models.DateTimeField(
        "dossier modifié par le client le", null=True, blank=True
    )
    created_at = models.DateTimeField("reçu le", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    TRANSITIONS = CASE_TRANSITIONS
    # The statuses in which the domiciliataire may open the company's proofs.
    SEES_PROOFS = (CaseStatus.S1, CaseStatus.ACCEPTED, CaseStatus.PAID, CaseStatus.SIGNED)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier domiciliataire"
        verbose_name_plural = "dossiers domiciliataires"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_file", "provider"], name="case_one_per_provider_and_file"
            )
        ]
        indexes = [
            models.Index(fields=["provider", "status", "created_at"]),
            # The case list, newest first (domiciliation/selectors.provider_cases); its
            # search has trigram indexes on PostgreSQL (migration 0009).
            models.Index(fields=["provider", "created_at"], name="case_provider_received"),
            # The time of a domiciliataire's latest case change: its counts' cache key.
            models.Index(fields=["provider", "updated_at"], name="case_provider_changed"),
            models.Index(fields=["status", "payment_due_at"], name="case_status_due"),
        ]

    def __str__(self):
        return f"{self.client_file} chez {self.provider}"

    @cached_property
    def declared(self) -> ClientFile:
        """The file as this case knows it: an unsaved ClientFile built from
        declared_data, so that pages, e-mails and PDFs read it like the file itself
        (its owners through `beneficial_owner_list`)."""
        data = self.declared_data or {}
        fields = {
            name: ClientFile._meta.get_field(name).to_python(value)
            for name, value in data.get("fields", {}).items()
            if name in DECLARED_FIELDS
        }
        declared = ClientFile(public_id=self.client_file.public_id, **fields)
        declared.owner_id = self.client_file.owner_id
        declared.declared_owners = [
            BeneficialOwner(
                first_name=owner["first_name"],
                last_name=owner["last_name"],
                share=Decimal(owner["share"]),
            )
            for owner in data.get("owners", [])
        ]
        return declared

    # What the pages ask of a case, so that no template compares a raw status.

    @property
    def is_awaiting_decision(self) -> bool:
        """In S1: the domiciliataire may still set the offer, accept or dismiss."""
        return self.status == CaseStatus.S1

    @property
    def is_awaiting_payment(self) -> bool:
        return self.status == CaseStatus.ACCEPTED

    @property
    def is_awaiting_signatures(self) -> bool:
        return self.status == CaseStatus.PAID

    @property
    def is_signed(self) -> bool:
        return self.status == CaseStatus.SIGNED

    @property
    def is_dismissed(self) -> bool:
        return self.status == CaseStatus.DISMISSED

    @property
    def is_expired(self) -> bool:
        return self.status == CaseStatus.EXPIRED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == CaseStatus.WITHDRAWN

    @property
    def status_label(self) -> str:
        """The status as people read it: a withdrawal says who withdrew."""
        if self.is_withdrawn:
            if self.signed_elsewhere:
                return f"Retiré{NBSP}: contrat signé avec un autre domiciliataire"
            return "Retiré par le client"
        return self.get_status_display()

    @property
    def can_be_withdrawn(self) -> bool:
        return CaseStatus.WITHDRAWN in self.TRANSITIONS[CaseStatus(self.status)]

    @property
    def proofs_reviewable(self) -> bool:
        """A case closed without a contract has nothing left to review."""
        return self.status not in (CaseStatus.DISMISSED, CaseStatus.WITHDRAWN, CaseStatus.EXPIRED)

    @property
    def accepts_transfer(self) -> bool:
        """A bank transfer can be recorded while the first payment is awaited, or after
        expiry (it is then kept for a reactivation, or refunded)."""
        return self.status in (CaseStatus.ACCEPTED, CaseStatus.EXPIRED)

    @property
    def company_signature(self):
        """The company's signature row, once the case is paid. Reads `signatures.all()`
        (prefetch it)."""
        return next((s for s in self.signatures.all() if s.party == s.Party.COMPANY), None)

    @property
    def issued_documents(self) -> list:
        """The case's documents to show, in order; once signed, the sealed contract
        supersedes the one that was to sign. Reads `documents.all()` (prefetch it)."""
        documents = self.documents.all()
        if self.is_signed:
            documents = [d for d in documents if d.kind != d.Kind.CONTRACT]
        return sorted(documents, key=lambda d: list(d.Kind).index(d.kind))

    @property
    def has_offer(self) -> bool:
        return self.monthly_price is not None and self.centre_id is not None

    @property
    def issued_invoice(self):
        """The invoice of the first payment, or None before it. Reads `invoices.all()`
        (prefetch it)."""
        return next((i for i in self.invoices.all() if i.kind == "first"), None)

    @property
    def running_contract(self):
        """The contract of a signed case, or None (a template must not touch the reverse
        one-to-one, which raises when there is none)."""
        try:
            return self.contract
        except ObjectDoesNotExist:
            return None

    @property
    def first_payment(self):
        """The first payment of the offer (None until the offer is set)."""
        if self.monthly_price is None:
            return None
        return first_payment(
            monthly_price=self.monthly_price,
            billing_months=self.billing_months,
            setup_fee=self.setup_fee,
        )


class CaseEvent(StatusEvent):
    """One line of the case's timeline: a status move, a review, an e-mail sent…"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("de", max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=20, choices=CaseStatus.choices, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = "événement du dossier"
        verbose_name_plural = "événements du dossier"

    def __str__(self):
        return f"{self.case_id} {self.from_status}→{self.to_status}"


class ProofReview(models.Model):
    """The state of one type of justificatif within one case."""

    class State(models.TextChoices):
        TO_REVIEW = "to_review", "À examiner"
        VALIDATED = "validated", "Validé"
        INVALIDATED = "invalidated", "Invalidé"
        MISSING = "missing", "Non fourni"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    proof_type = models.ForeignKey(ProofType, on_delete=models.PROTECT, related_name="+")
    proof = models.ForeignKey(Proof, on_delete=models.PROTECT, null=True, blank=True)
    state = models.CharField("état", max_length=12, choices=State.choices)
    reason = models.CharField("motif", max_length=300, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "examen de justificatif"
        verbose_name_plural = "examens de justificatifs"
        ordering = ["proof_type__position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "proof_type"], name="review_one_per_type")
        ]

    def __str__(self):
        return f"{self.proof_type} : {self.get_state_display()}"

    @property
    def state_label(self) -> str:
        """The state in lower case, agreed with the proof's label: « validée »,
        « validés », « non fournie », « à examiner »."""
        if self.state == self.State.TO_REVIEW:
            return "à examiner"
        word = {
            self.State.VALIDATED: "validé",
            self.State.INVALIDATED: "invalidé",
            self.State.MISSING: "non fourni",
        }[self.state]
        return self.proof_type.agree(word)

    @property
    def is_invalidated(self) -> bool:
        return self.state == self.State.INVALIDATED

    @property
    def is_missing(self) -> bool:
        return self.state == self.State.MISSING


# Reasons a domiciliataire picks from when invalidating a proof (or types its own).
INVALIDATION_REASONS = [
    "Document illisible",
    "Document expiré ou datant de plus de 3 mois",
    "Informations différentes de celles du dossier",
    "Document incomplet",
    "Ce n’est pas le document demandé",
]


class ContractTemplate(models.Model):
    """The clauses of the domiciliation contract: staff keep the default one; a
    domiciliataire may customise its own. Parties, address, services, price and
    duration are filled in from the case, not written here."""

    provider = models.OneToOneField(
        Provider,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contract_template",
        verbose_name="domiciliataire (vide : modèle par défaut)",
    )
    clauses = models.TextField(
        "clauses",
        help_text=(
            "Un article par paragraphe\u00a0; la première ligne d’un paragraphe est son titre."
        ),
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "modèle de contrat"
        verbose_name_plural = "modèles de contrat"
        ordering = ["pk"]

    def __str__(self):
        return f"Modèle de {self.provider}" if self.provider_id else "Modèle par défaut"

    @property
    def articles(self) -> list[tuple[str, str]]:
        """(title, text) for each paragraph of the clauses."""
        articles = []
        for paragraph in self.clauses.replace("\r\n", "\n").split("\n\n"):
            title, _, text = paragraph.strip().partition("\n")
            if title:
                articles.append((title.strip(), text.strip()))
        return articles
