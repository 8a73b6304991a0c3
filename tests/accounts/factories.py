import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.utils import timezone

from accounts.models import Membership, Organization, User

PASSWORD = "Mot-de-passe-solide-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_totp(user, secret: str = TOTP_SECRET):
    """Turns on two-factor login for `user`, as its set-up does: an authenticator app
    with `secret`, and recovery codes."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
    return user


def totp_code(user, *, at=None) -> str:
    """The code `user`'s authenticator app shows now (or at `at`)."""
    secret = decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])
    return totp_code_for_secret(secret, at=at)


def totp_code_for_secret(secret: str, *, at=None) -> str:
    """The code an authenticator app given `secret` shows now (or at `at`)."""
    moment = (at or timezone.now()).timestamp()
    return format_hotp_value(hotp_value(secret, int(moment) // 30))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.SelfAttribute("username")
    first_name = "Camille"
    last_name = "Durand"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Staff log in with a second factor (accounts.mfa): set up unless `totp=False`."""
        if create and (extracted or (extracted is None and self.is_staff)):
            with_totp(self)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.FUNDER
    name = factory.Sequence(lambda n: f"Organisation {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.PRIMARY

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """A domiciliataire admin logs in with a second factor (accounts.mfa): set up
        unless `totp=False`."""
        is_provider_admin = (
            self.role == Membership.Role.ADMIN
            and self.organization.kind == Organization.Kind.PROVIDER
        )
        if create and (extracted or (extracted is None and is_provider_admin)):
            with_totp(self.user)
