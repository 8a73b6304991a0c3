"""The bénéficiaires a financeur orders CESU for."""

import uuid

from django.db import models

from accounts.models import TenantModel, TenantQuerySet
from common.text import fold
from common.uploads import UuidUploadTo, private_storage

from .catalogue import UsageCategory, VoucherFormat


def beneficiary_sort_name(*, last_name: str, first_name: str) -> str:
    """The alphabetical key: last name then first name, accents and case ignored."""
    return f"{fold(last_name)} {fold(first_name)}"


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
    # (Émile sorts with E) whatever the database collation. Indexed with the financeur
    # (Meta.indexes): every list is one financeur's, and an index on the name alone had
    # PostgreSQL walk every other financeur's names to find one's first page.
    sort_name = models.CharField(max_length=320, editable=False)
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
        indexes = [
            # A financeur's active bénéficiaires in alphabetical order, as every list,
            # the order table and the import read them.
            models.Index(
                fields=["organization", "sort_name", "id"],
                condition=models.Q(archived_at__isnull=True),
                name="beneficiary_active_by_name",
            )
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name}"

    @property
    def is_madame(self) -> bool:
        """For the French agreement of the words about her (« née le … »)."""
        return self.civility == self.Civility.MADAME


class BeneficiaryImport(TenantModel):
    """« Importer des bénéficiaires »: an uploaded file, checked by a task into a preview
    (the rows to create, to update and in error), then written once a manager confirms,
    from that preview. It holds personal data: the file and the preview are deleted once
    written, and every import is purged after a day (beat job). A payroll file
    (« Importer un fichier de paie ») is an import too, of its own `kind`: its preview
    holds the cart lines it makes."""

    class Kind(models.TextChoices):
        BENEFICIARIES = "beneficiaries", "Bénéficiaires"
        PAYROLL = "payroll", "Fichier de paie"

    class Status(models.TextChoices):
        PENDING = "pending", "En attente de vérification"
        CHECKING = "checking", "Vérification en cours"
        READY = "ready", "Aperçu prêt"
        REFUSED = "refused", "Fichier refusé"
        APPLYING = "applying", "Enregistrement en cours"
        DONE = "done", "Importé"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        "type d’import", max_length=13, choices=Kind.choices, default=Kind.BENEFICIARIES
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)
    file = models.FileField(
        "fichier", storage=private_storage, upload_to=UuidUploadTo("beneficiary-imports")
    )
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField("lignes", default=0)
    rows_checked = models.PositiveIntegerField("lignes vérifiées", default=0)
    refusal = models.TextField("motif du refus du fichier", blank=True)
    # The preview as the check left it (services/beneficiary_import.py), written as is.
    preview = models.JSONField("aperçu", default=dict, blank=True)
    created_count = models.PositiveIntegerField("bénéficiaires créés", default=0)
    updated_count = models.PositiveIntegerField("bénéficiaires mis à jour", default=0)

    class Meta:
        verbose_name = "import de bénéficiaires"
        verbose_name_plural = "imports de bénéficiaires"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import du {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def is_checking(self) -> bool:
        """Still being read and checked by its task: the page shows the progress."""
        return self.status in (self.Status.PENDING, self.Status.CHECKING)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_refused(self) -> bool:
        return self.status == self.Status.REFUSED

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, 100 * self.rows_checked // self.rows_total)
