import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who logs in. `username` is the identifier shown to the user: the client
    reference for a financeur's primary manager (C100001), the manager identifier for a
    secondary manager (C100001-02), the e-mail address for everybody else."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("adresse e-mail", unique=True)
    phone = models.CharField("téléphone mobile", max_length=20, blank=True)
    must_change_password = models.BooleanField(
        "doit changer son mot de passe",
        default=False,
        help_text="Tant que cette case est cochée, seule la page de changement de mot de "
        "passe est accessible.",
    )
    temporary_password_expires_at = models.DateTimeField(
        "expiration du mot de passe temporaire",
        null=True,
        blank=True,
        help_text="Un mot de passe temporaire expiré ne permet plus de se connecter ; "
        "« Mot de passe oublié » en donne un nouveau.",
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self):
        return self.get_full_name() or self.username


class Organization(models.Model):
    """The tenant: a financeur or a domiciliataire."""

    class Kind(models.TextChoices):
        FUNDER = "financeur", "Financeur"
        PROVIDER = "domiciliataire", "Domiciliataire"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    name = models.CharField("nom", max_length=200)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_funder(self) -> bool:
        return self.kind == self.Kind.FUNDER

    @property
    def is_provider(self) -> bool:
        return self.kind == self.Kind.PROVIDER


class Membership(models.Model):
    class Role(models.TextChoices):
        PRIMARY = "primary", "Gestionnaire principal"
        SECONDARY = "secondary", "Gestionnaire secondaire"
        ADMIN = "admin", "Administrateur"
        AGENT = "agent", "Agent"

    ROLES_BY_KIND = {
        Organization.Kind.FUNDER: {Role.PRIMARY, Role.SECONDARY},
        Organization.Kind.PROVIDER: {Role.ADMIN, Role.AGENT},
    }

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_organization"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organization} ({self.get_role_display()})"

    @property
    def is_primary_manager(self) -> bool:
        return self.role == self.Role.PRIMARY

    @property
    def is_provider_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization: Organization | None):
        """Rows of `organization` only; nothing at all without an organization."""
        if organization is None:
            return self.none()
        return self.filter(organization=organization)


class TenantModel(models.Model):
    """Base of every tenant-owned model: a non-null organization and `for_organization()`."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
        verbose_name="organisation",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
