import uuid
from decimal import Decimal

from django.conf import settings
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
        indexes = [models.Index(fields=["provider", "status", "created_at"])]

    def __str__(self):
        return f"{self.client_file} chez {self.provider}"

    @property
    def has_offer(self) -> bool:
        return self.monthly_price is not None and self.centre_id is not None

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
