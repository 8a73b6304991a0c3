"""The company's request: the questionnaire (« dossier client »), its beneficial owners and
its proofs, versioned."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from common.models import WithPdfPreview
from common.uploads import UuidUploadTo, private_storage
from common.validators import validate_siren
from directory.models import Provider, ProviderCentre, Service


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

    class Grammar(models.TextChoices):
        MASCULINE = "ms", "Masculin singulier (validé)"
        FEMININE = "fs", "Féminin singulier (validée)"
        MASCULINE_PLURAL = "mp", "Masculin pluriel (validés)"
        FEMININE_PLURAL = "fp", "Féminin pluriel (validées)"

    code = models.SlugField("code", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=200)
    grammar = models.CharField(
        "accord",
        max_length=2,
        choices=Grammar.choices,
        default=Grammar.MASCULINE,
        help_text="Le genre et le nombre du libellé, pour écrire "
        "«\u00a0Statuts\u00a0: validés\u00a0».",
    )
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

    @property
    def is_plural(self) -> bool:
        return self.grammar in (self.Grammar.MASCULINE_PLURAL, self.Grammar.FEMININE_PLURAL)

    def agree(self, word: str) -> str:
        """`word` (« validé », « non fourni ») agreed with the label: « Pièce d’identité :
        validée », « Statuts : validés »."""
        return word + {"ms": "", "fs": "e", "mp": "s", "fp": "es"}[self.grammar]

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
    def has_signed_contract(self) -> bool:
        """A contract signed with one of the domiciliataires: the file is closed. Reads
        `cases.all()` (prefetch it)."""
        return any(case.is_signed for case in self.cases.all())

    @property
    def needs_beneficial_owners(self) -> bool:
        """An individual entrepreneur has no beneficial owner to declare."""
        return self.legal_form not in ("", self.LegalForm.EI)

    @property
    def beneficial_owner_list(self) -> list["BeneficialOwner"]:
        """The beneficial owners: as declared to a case (Case.declared), else saved."""
        declared = getattr(self, "declared_owners", None)
        return declared if declared is not None else list(self.beneficial_owners.all())

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


class Proof(WithPdfPreview):
    """One uploaded version of a « justificatif ». Replacing it keeps the old version
    (superseded) for the audit trail. A PDF gets the picture of its first page for the
    « Justificatifs » page, drawn by a task after the upload."""

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

    @property
    def is_pdf(self) -> bool:
        return self.kind == "pdf"
