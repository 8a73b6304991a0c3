import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from common.uploads import UuidUploadTo, private_storage
from common.validators import validate_siren
from directory.models import Provider, ProviderCentre, Service

from .pricing import first_payment


class ProofType(models.Model):
    """A kind of « justificatif » staff ask for, and whether it is needed before the
    contract is signed."""

    class Requirement(models.TextChoices):
        REQUIRED = "required", "Obligatoire avant signature"
        REQUIRED_IF_EXISTING = (
            "required_if_existing",
            "Obligatoire avant signature pour une société existante",
        )
        OPTIONAL = "optional", "Facultatif avant signature"

    code = models.SlugField("code", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=200)
    help_text = models.CharField("aide", max_length=300, blank=True)
    requirement = models.CharField("exigence", max_length=25, choices=Requirement.choices)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("demandé", default=True)

    class Meta:
        verbose_name = "type de justificatif"
        verbose_name_plural = "types de justificatif"
        ordering = ["position", "label"]

    def __str__(self):
        return self.label

    def required_for(self, client_file: "ClientFile") -> bool:
        if self.requirement == self.Requirement.REQUIRED:
            return True
        if self.requirement == self.Requirement.REQUIRED_IF_EXISTING:
            return client_file.company_status == ClientFile.CompanyStatus.EXISTING
        return False


class ClientFile(models.Model):
    """« Dossier client »: the questionnaire a company fills once and sends to several
    domiciliataires. Saved at each step; a visitor's draft is found by its session until
    the visitor logs in, then it belongs to the user."""

    class CompanyStatus(models.TextChoices):
        CREATION = "creation", "En cours de création"
        EXISTING = "existing", "Déjà immatriculée"

    class LegalForm(models.TextChoices):
        EI = "ei", "Entreprise individuelle (EI)"
        EURL = "eurl", "EURL"
        SARL = "sarl", "SARL"
        SAS = "sas", "SAS"
        SASU = "sasu", "SASU"
        SA = "sa", "SA"
        SCI = "sci", "SCI"
        ASSOCIATION = "association", "Association"
        OTHER = "other", "Autre"

    class Civility(models.TextChoices):
        MADAME = "mme", "Madame"
        MONSIEUR = "m", "Monsieur"

    class MailHandling(models.TextChoices):
        SCAN = "scan", "Numérisé et envoyé par e-mail"
        FORWARD_WEEKLY = "forward_weekly", "Réexpédié chaque semaine"
        FORWARD_MONTHLY = "forward_monthly", "Réexpédié chaque mois"
        PICKUP = "pickup", "Retiré au centre"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="client_files",
        verbose_name="entreprise (compte)",
    )
    # The visitor's draft before login: kept in their session only.
    draft_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    completed_step = models.PositiveSmallIntegerField("dernière étape remplie", default=0)
    company_status = models.CharField(
        "situation", max_length=10, choices=CompanyStatus.choices, blank=True
    )
    legal_form = models.CharField(
        "forme juridique", max_length=12, choices=LegalForm.choices, blank=True
    )
    company_name = models.CharField("dénomination", max_length=200, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[validate_siren])
    activity = models.CharField("activité", max_length=300, blank=True)
    start_date = models.DateField("date de début souhaitée", null=True, blank=True)
    rep_civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    rep_first_name = models.CharField("prénom", max_length=150, blank=True)
    rep_last_name = models.CharField("nom", max_length=150, blank=True)
    rep_birth_date = models.DateField("date de naissance", null=True, blank=True)
    rep_birth_place = models.CharField("lieu de naissance", max_length=150, blank=True)
    rep_nationality = models.CharField("nationalité", max_length=100, blank=True)
    rep_address = models.CharField("adresse personnelle", max_length=255, blank=True)
    rep_postcode = models.CharField("code postal", max_length=10, blank=True)
    rep_city = models.CharField("ville", max_length=100, blank=True)
    rep_email = models.EmailField("adresse e-mail", blank=True)
    rep_mobile = models.CharField("téléphone mobile", max_length=20, blank=True)
    services = models.JSONField("services souhaités", default=list, blank=True)
    mail_handling = models.CharField(
        "traitement du courrier", max_length=20, choices=MailHandling.choices, blank=True
    )
    origin_provider = models.ForeignKey(
        Provider,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="domiciliataire d’origine",
    )
    origin_centre = models.ForeignKey(
        ProviderCentre,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="centre d’origine",
    )
    preselected = models.ManyToManyField(
        Provider, blank=True, related_name="+", verbose_name="sélection de l’annuaire"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "dossier client"
        verbose_name_plural = "dossiers clients"
        ordering = ["-updated_at"]

    def __str__(self):
        return self.company_name or f"Dossier du {self.created_at:%d/%m/%Y}"

    @property
    def needs_beneficial_owners(self) -> bool:
        """An individual entrepreneur has no beneficial owner to declare."""
        return self.legal_form not in ("", self.LegalForm.EI)

    @property
    def service_labels(self) -> list[str]:
        labels = dict(Service.choices)
        return [labels[code] for code in self.services if code in labels]


class BeneficialOwner(models.Model):
    """« Bénéficiaire effectif » (anti-money-laundering rules): who owns the company."""

    client_file = models.ForeignKey(
        ClientFile, on_delete=models.CASCADE, related_name="beneficial_owners"
    )
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    share = models.DecimalField(
        "part du capital (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = "bénéficiaire effectif"
        verbose_name_plural = "bénéficiaires effectifs"
        ordering = ["pk"]

    def __str__(self):
        share = f"{self.share.normalize():f}".replace(".", ",")
        return f"{self.first_name} {self.last_name} ({share}\u00a0%)"


class Proof(models.Model):
    """One uploaded version of a « justificatif ». Replacing it keeps the old version
    (superseded) for the audit trail."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_file = models.ForeignKey(ClientFile, on_delete=models.CASCADE, related_name="proofs")
    proof_type = models.ForeignKey(ProofType, on_delete=models.PROTECT, related_name="+")
    file = models.FileField("fichier", storage=private_storage, upload_to=UuidUploadTo("proofs"))
    original_name = models.CharField("nom du fichier envoyé", max_length=255)
    kind = models.CharField("format", max_length=10)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_at = models.DateTimeField("envoyé le", auto_now_add=True)
    superseded_at = models.DateTimeField("remplacé le", null=True, blank=True)

    class Meta:
        verbose_name = "justificatif"
        verbose_name_plural = "justificatifs"
        ordering = ["proof_type__position", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_file", "proof_type"],
                condition=models.Q(superseded_at__isnull=True),
                name="proof_one_current_version_per_type",
            )
        ]

    def __str__(self):
        return f"{self.proof_type} – {self.original_name}"


class CaseStatus(models.TextChoices):
    S1 = "S1", "Dossier en attente d’acceptation ou de classement (S1)"
    ACCEPTED = "accepted", "Accepté, en attente du premier paiement"
    PAID = "paid", "Payé, contrat à signer"
    SIGNED = "signed", "Contrat signé"
    DISMISSED = "dismissed", "Classé sans suite"
    EXPIRED = "expired", "Expiré"
    WITHDRAWN = "withdrawn", "Retiré par le client"


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


class CaseQuerySet(models.QuerySet):
    def for_organization(self, organization):
        """The cases addressed to the domiciliataire of `organization`; none otherwise."""
        if organization is None:
            return self.none()
        return self.filter(provider__organization=organization)


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
    paid_at = models.DateTimeField("payé le", null=True, blank=True)
    signed_at = models.DateTimeField("signé le", null=True, blank=True)
    contract_starts_on = models.DateField("début du contrat", null=True, blank=True)
    created_at = models.DateTimeField("reçu le", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

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
            models.Index(fields=["status", "payment_due_at"], name="case_status_due"),
        ]

    def __str__(self):
        return f"{self.client_file} chez {self.provider}"

    @property
    def has_offer(self) -> bool:
        return self.monthly_price is not None and self.centre_id is not None

    @property
    def issued_invoice(self):
        """The invoice of the first payment, or None before it (a template must not
        touch the reverse one-to-one, which raises when there is none)."""
        try:
            return self.invoice
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


class CaseEvent(models.Model):
    """One line of the case's timeline: a status move, a review, an e-mail sent…"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("de", max_length=10, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=10, choices=CaseStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField("note", blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "événement du dossier"
        verbose_name_plural = "événements du dossier"
        ordering = ["created_at", "pk"]

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


class CaseDocument(models.Model):
    """A PDF of the case kept as issued: the contract to sign, the signed and sealed
    contract, the « attestation de domiciliation ». Its SHA-256 is what signers sign."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", "Contrat à signer"
        SIGNED_CONTRACT = "signed_contract", "Contrat signé et scellé"
        ATTESTATION = "attestation", "Attestation de domiciliation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("document", max_length=20, choices=Kind.choices)
    file = models.FileField("PDF", storage=private_storage, upload_to=UuidUploadTo("contracts"))
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "document du dossier"
        verbose_name_plural = "documents du dossier"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="document_one_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.case}"


class Signature(models.Model):
    """One party's signature of the contract: the company's representative, or one admin
    of the domiciliataire. Its public id is the signing link's."""

    class Party(models.TextChoices):
        COMPANY = "company", "Le domicilié"
        PROVIDER = "provider", "Le domiciliataire"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField("partie", max_length=10, choices=Party.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="signataire",
    )
    signer_name = models.CharField("nom du signataire", max_length=300, blank=True)
    phone = models.CharField("téléphone du code", max_length=20, blank=True)
    signed_at = models.DateTimeField("signé le", null=True, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    user_agent = models.CharField("navigateur", max_length=500, blank=True)
    document_sha256 = models.CharField("empreinte du PDF signé", max_length=64, blank=True)

    class Meta:
        verbose_name = "signature"
        verbose_name_plural = "signatures"
        ordering = ["party"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="signature_one_per_party")
        ]

    def __str__(self):
        return f"{self.get_party_display()} – {self.case}"


class SignatureCode(models.Model):
    """A one-time code sent by SMS to the signer: 6 digits, valid 10 minutes, 5 attempts.
    Only its HMAC is stored."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="codes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    phone = models.CharField("envoyé au", max_length=20)
    created_at = models.DateTimeField("envoyé le")
    expires_at = models.DateTimeField("valable jusqu’au")
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "code de signature"
        verbose_name_plural = "codes de signature"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Code du {self.created_at:%d/%m/%Y %H:%M} pour {self.signature}"
