"""Two-factor login (allauth.mfa: an authenticator app, with recovery codes). Who must
use it: platform staff and domiciliataire admins, who handle identity documents,
contracts and money; everybody else may turn it on from « Sécurité du compte »."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled

from .models import Membership, Organization, User


def mfa_required(user: User, memberships: list[Membership]) -> bool:
    """Whether `user` (with their active `memberships`) must log in with a second factor."""
    return (
        user.is_staff
        or user.is_superuser
        or any(
            membership.role == Membership.Role.ADMIN
            and membership.organization.kind == Organization.Kind.PROVIDER
            for membership in memberships
        )
    )


def mfa_enabled(user: User) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])
