import secrets
import string
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from common.exceptions import DomainError
from common.formats import french_datetime
from notifications.services import notify

from .models import Membership, Organization, User


class MembershipError(DomainError):
    """A membership that the rules refuse; the message is shown to the user."""


TEMPORARY_PASSWORD_LENGTH = 16
TEMPORARY_PASSWORD_VALIDITY = timedelta(hours=72)
# No look-alike characters (0/O, 1/l/I): the password is typed from an e-mail.
_PASSWORD_ALPHABET = "".join(
    c for c in string.ascii_letters + string.digits + "-_!?" if c not in "0O1lI"
)


@transaction.atomic
def user_set_temporary_password(*, user: User) -> str:
    """Gives `user` a random temporary password, valid 72 hours and to be changed at the
    first login; returns it so that the caller can e-mail it."""
    password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH))
    user.set_password(password)
    user.must_change_password = True
    user.temporary_password_expires_at = timezone.now() + TEMPORARY_PASSWORD_VALIDITY
    user.save(update_fields=["password", "must_change_password", "temporary_password_expires_at"])
    return password


def user_temporary_password_expired(user: User) -> bool:
    expires_at = user.temporary_password_expires_at
    return expires_at is not None and expires_at <= timezone.now()


@transaction.atomic
def user_clear_password_change(*, user: User) -> None:
    """A user who chose a new password may use the whole portal again."""
    if user.must_change_password or user.temporary_password_expires_at:
        User.objects.filter(pk=user.pk).update(
            must_change_password=False, temporary_password_expires_at=None
        )
        user.must_change_password = False
        user.temporary_password_expires_at = None


@transaction.atomic
def membership_create(*, user: User, organization: Organization, role: str) -> Membership:
    """Adds `user` to `organization` with a role that fits the organization's kind."""
    if role not in Membership.ROLES_BY_KIND[organization.kind]:
        raise MembershipError(
            f"Le rôle « {Membership.Role(role).label} » n'existe pas pour un "
            f"{organization.get_kind_display().lower()}."
        )
    return Membership.objects.create(user=user, organization=organization, role=role)


def email_in_use(email: str, *, user: User | None = None) -> bool:
    """Whether another account than `user` already has `email` (as its address, its
    login or one of its allauth addresses): one person, one login."""
    others = User.objects.exclude(pk=user.pk) if user else User.objects.all()
    return (
        others.filter(email__iexact=email).exists()
        or others.filter(username__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    )


@transaction.atomic
def membership_deactivate(*, membership: Membership) -> None:
    """The one deactivation rule, for managers and agents alike: the membership ends at
    once (the tenancy middleware stops choosing it at the next request). When it was the
    user's last active membership, the account is deactivated too, which ends its open
    sessions; otherwise the account stays usable for the user's other organizations."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    user = membership.user
    if not user.memberships.filter(is_active=True).exists() and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])


@transaction.atomic
def membership_reactivate(*, membership: Membership) -> None:
    """The membership, and the account if it was deactivated with it, work again."""
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    user = membership.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])


@transaction.atomic
def user_set_phone(*, user: User, phone: str) -> None:
    """The user's own mobile (E.164, already checked), where their codes are sent."""
    user.phone = phone
    user.save(update_fields=["phone"])


@transaction.atomic
def user_lockout_notify(*, user: User, started: float, ends) -> None:
    """Tells the owner that failed logins locked their account until `ends`: once per
    lock-out (`started`, the oldest failure counted, names it)."""
    notify(
        "account_locked",
        email=user.email,
        context={"user": user, "until": french_datetime(ends)},
        idempotency_key=f"account_locked:{user.pk}:{int(started)}",
        user=user,
    )


@transaction.atomic
def user_email_changed(*, user: User, old_email: str, new_email: str) -> None:
    """After a confirmed change of address: an account whose login was its old address
    (a company, an agent) logs in with the new one, and the old one is free again."""
    taken = User.objects.filter(username__iexact=new_email).exclude(pk=user.pk).exists()
    if user.username.lower() == old_email.lower() and not taken:
        user.username = new_email
        user.save(update_fields=["username"])
