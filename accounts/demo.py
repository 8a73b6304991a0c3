"""Demo organizations and accounts listed in ARCHITECTURE.md (`seed_demo`)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.utils import timezone

from .models import Membership, Organization, User

DEMO_PASSWORD = "Demo-portail-2026"  # noqa: S105 - documented demo password

DEMO_PROVIDER_MOBILE = "+33698765432"

# Domiciliataire admins and staff log in with a second factor (accounts.mfa). The demo's
# have this authenticator-app key, published in the README: add it to any authenticator
# app, or print the current codes with `python manage.py demo_codes`.
DEMO_TOTP_SECRET = "PORTAILDEMOCESUDOMICILIATIONTOTP"  # noqa: S105 - documented demo key
DEMO_TOTP_USERNAMES = [
    "domiciliataire@demo.example",
    "domiciliataire2@demo.example",
    "staff@demo.example",
]

FUNDER_NAME = "Demo Industries"
PROVIDER_NAME = "Demo Domiciliation Paris"
PROVIDER2_NAME = "Domiciliation Rive Gauche"

ORGANIZATIONS = [
    (FUNDER_NAME, Organization.Kind.FUNDER),
    (PROVIDER_NAME, Organization.Kind.PROVIDER),
    (PROVIDER2_NAME, Organization.Kind.PROVIDER),
]

# username, e-mail, first name, last name, organization, role
ACCOUNTS = [
    ("C100001", "gestion@demo-industries.example", "Claire", "Martin", FUNDER_NAME, "primary"),
    ("C100001-02", "paie@demo-industries.example", "Julien", "Bernard", FUNDER_NAME, "secondary"),
    ("domiciliataire@demo.example", "domiciliataire@demo.example", "Sophie", "Lefèvre",
     PROVIDER_NAME, "admin"),
    ("domiciliataire2@demo.example", "domiciliataire2@demo.example", "Marc", "Dubois",
     PROVIDER2_NAME, "admin"),
    ("agent@demo.example", "agent@demo.example", "Thomas", "Garnier", PROVIDER_NAME, "agent"),
    ("client@demo.example", "client@demo.example", "Émilie", "Rousseau", None, None),
]  # fmt: skip


def seed(log) -> None:
    organizations = {
        name: Organization.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind in ORGANIZATIONS
    }
    for username, email, first_name, last_name, organization_name, role in ACCOUNTS:
        user = _user(username, email, first_name=first_name, last_name=last_name)
        if organization_name:
            Membership.objects.get_or_create(
                user=user, organization=organizations[organization_name], defaults={"role": role}
            )
    # The admin signs contracts with a code sent to this mobile (console SMS in the demo).
    User.objects.filter(username="domiciliataire@demo.example", phone="").update(
        phone=DEMO_PROVIDER_MOBILE
    )
    _user(
        "staff@demo.example",
        "staff@demo.example",
        first_name="Service",
        last_name="Clients",
        is_staff=True,
        is_superuser=True,
    )
    for user in User.objects.filter(username__in=DEMO_TOTP_USERNAMES):
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
    log(f"Comptes de démonstration prêts (mot de passe : {DEMO_PASSWORD}).")
    log(
        "Double authentification des administrateurs et du staff : clé "
        f"{DEMO_TOTP_SECRET}, ou `python manage.py demo_codes` pour le code du moment."
    )


def _user(username: str, email: str, **fields) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": email, **fields}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def demo_totp_code() -> str:
    """The code an authenticator app with the demo key shows now."""
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(timezone.now().timestamp()) // 30))
