import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import Organization, TenantModel, TenantQuerySet
from common.uploads import UuidUploadTo, private_storage
from common.validators import validate_siren

# The minimum length of a domiciliation contract (Code de commerce, art. R. 123-168).
MIN_CONTRACT_MONTHS = 3


class Region(models.Model):
    """A region since 1 January 2016 (INSEE code), loaded by a data migration."""

    code = models.CharField("code INSEE", max_length=2, unique=True)
    name = models.CharField("nom", max_length=100)
    slug = models.SlugField("slug", max_length=100, unique=True)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A département (01…19, 2A, 2B, 21…95, 971…976) and its region."""

    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name="région"
    )
    # Sorts 2A and 2B between 19 and 21, as the official list does.
    sort_key = models.CharField(max_length=4, editable=False, db_index=True)
    search_name = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["sort_key"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Service(models.TextChoices):
    """What a domiciliataire offers; each is a boolean column of Provider (filterable)."""

    MAIL_SCAN = "mail_scan", "Boîte postale virtuelle / scan du courrier"
    FORWARDING = "forwarding", "Réexpédition du courrier"
    PHONE = "phone", "Permanence téléphonique"
    MEETING_ROOM = "meeting_room", "Salle de réunion"
    OFFICE = "office", "Bureau à l’heure"
    COMPANY_CREATION = "company_creation", "Création d’entreprise"


# How long a prefectoral approval runs (Code de commerce R123-166-1 and following).
APPROVAL_YEARS = 6


class ProviderQuerySet(TenantQuerySet):
    def listed(self):
        return self.filter(is_listed=True)


class Provider(TenantModel):
    """A domiciliataire's directory profile. Listed once staff approve it. The legal
    fields shown to the public are the approved ones (`published_*`): a change to them
    waits for a new approval while the profile stays listed."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PENDING = "pending", "En attente de validation"
        APPROVED = "approved", "Validé"
        REFUSED = "refused", "Refusé"

    # What identifies the provider publicly: a change waits for staff while the public
    # page keeps the approved value (`published_<field>`).
    LEGAL_FIELDS = (
        "legal_name",
        "trade_name",
        "siren",
        "approval_number",
        "approval_date",
        "approval_prefecture",
    )

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="provider", verbose_name="organisation"
    )
    slug = models.SlugField("adresse de la fiche", max_length=120, unique=True)
    legal_name = models.CharField("raison sociale", max_length=200)
    trade_name = models.CharField("nom commercial", max_length=200, blank=True)
    siren = models.CharField("SIREN", max_length=9, validators=[validate_siren])
    approval_number = models.CharField("numéro d’agrément préfectoral", max_length=50)
    approval_date = models.DateField("date de l’agrément")
    approval_prefecture = models.CharField(
        "préfecture qui a délivré l’agrément",
        max_length=100,
        blank=True,
        help_text="Le préfet du département du siège (à Paris, le préfet de police).",
    )
    # The expiry alerts (6 months and 1 month before), each once per approval date.
    approval_alerted_6m_at = models.DateTimeField(
        "alerte d’expiration à 6 mois", null=True, blank=True
    )
    approval_alerted_1m_at = models.DateTimeField(
        "alerte d’expiration à 1 mois", null=True, blank=True
    )
    description = models.TextField("présentation", blank=True)
    logo = models.ImageField(
        "logo", storage=private_storage, upload_to=UuidUploadTo("logos"), blank=True
    )
    mail_scan = models.BooleanField(Service.MAIL_SCAN.label, default=False)
    forwarding = models.BooleanField(Service.FORWARDING.label, default=False)
    phone = models.BooleanField(Service.PHONE.label, default=False)
    meeting_room = models.BooleanField(Service.MEETING_ROOM.label, default=False)
    office = models.BooleanField(Service.OFFICE.label, default=False)
    company_creation = models.BooleanField(Service.COMPANY_CREATION.label, default=False)
    price_from = models.DecimalField(
        "à partir de (€ HT par mois)",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    min_contract_months = models.PositiveSmallIntegerField(
        "durée minimale du contrat (mois)",
        default=MIN_CONTRACT_MONTHS,
        validators=[MinValueValidator(MIN_CONTRACT_MONTHS)],
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    refusal_reason = models.TextField("motif du refus", blank=True)
    is_listed = models.BooleanField("dans l’annuaire", default=False, db_index=True)
    published_legal_name = models.CharField("raison sociale publiée", max_length=200, blank=True)
    published_trade_name = models.CharField("nom commercial publié", max_length=200, blank=True)
    published_approval_date = models.DateField("date d’agrément publiée", null=True, blank=True)
    published_siren = models.CharField("SIREN publié", max_length=9, blank=True)
    published_approval_number = models.CharField("agrément publié", max_length=50, blank=True)
    published_approval_prefecture = models.CharField(
        "préfecture de l’agrément publiée", max_length=100, blank=True
    )
    # Accent- and case-free names, kept by the services, for the search.
    search_name = models.CharField(max_length=420, editable=False, db_index=True)
    submitted_at = models.DateTimeField("soumis le", null=True, blank=True)
    reviewed_at = models.DateTimeField("examiné le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="examiné par",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = "domiciliataire (fiche annuaire)"
        verbose_name_plural = "domiciliataires (fiches annuaire)"
        ordering = ["search_name"]
        indexes = [models.Index(fields=["is_listed", "search_name"])]

    def __str__(self):
        return self.display_name

    def public(self, field: str):
        """The value the public sees: the approved one once listed."""
        return getattr(self, f"published_{field}") if self.is_listed else getattr(self, field)

    @property
    def display_name(self) -> str:
        return self.public("trade_name") or self.public("legal_name")

    @property
    def public_legal_name(self) -> str:
        return self.public("legal_name")

    @property
    def public_siren(self) -> str:
        return self.public("siren")

    @property
    def public_approval_number(self) -> str:
        return self.public("approval_number")

    @property
    def public_approval_date(self):
        return self.public("approval_date")

    @property
    def public_approval_prefecture(self) -> str:
        return self.public("approval_prefecture")

    @property
    def approval_expires_on(self) -> date | None:
        """The approval runs 6 years from its date; the approved date
        counts once the profile is listed (R123-166-1 and following)."""
        granted = self.public_approval_date
        if granted is None:
            return None
        try:
            return granted.replace(year=granted.year + APPROVAL_YEARS)
        except ValueError:  # 29 February
            return granted.replace(year=granted.year + APPROVAL_YEARS, day=28)

    def approval_is_expired(self, today: date | None = None) -> bool:
        expires_on = self.approval_expires_on
        return expires_on is not None and (today or timezone.localdate()) >= expires_on

    @property
    def approval_expired(self) -> bool:
        """For the templates: the approval has expired today."""
        return self.approval_is_expired()

    @property
    def services(self) -> list[str]:
        return [service.label for service in Service if getattr(self, service.value)]

    @property
    def awaits_review(self) -> bool:
        """Submitted (or a legal change made while listed), waiting for staff."""
        return self.status == self.Status.PENDING

    @property
    def is_refused(self) -> bool:
        return self.status == self.Status.REFUSED


class CentreQuerySet(models.QuerySet):
    def for_organization(self, organization: Organization | None):
        """The centres of `organization`'s profile only (tenancy through the provider)."""
        if organization is None:
            return self.none()
        return self.filter(provider__organization=organization)


class ProviderCentre(models.Model):
    """A domiciliation centre: the address a company is domiciled at."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="centres", verbose_name="domiciliataire"
    )
    name = models.CharField("nom du centre", max_length=150)
    address = models.CharField("adresse", max_length=255)
    postcode = models.CharField("code postal", max_length=5)
    city = models.CharField("ville", max_length=100)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="centres", verbose_name="département"
    )
    opening_hours = models.TextField("horaires d’ouverture", blank=True)
    search_city = models.CharField(max_length=100, editable=False, db_index=True)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = "centre de domiciliation"
        verbose_name_plural = "centres de domiciliation"
        ordering = ["postcode", "name"]
        indexes = [models.Index(fields=["department", "provider"])]

    def __str__(self):
        return f"{self.name} – {self.postcode} {self.city}"
