from django.db import transaction

from .models import Membership, Organization, User


class MembershipError(ValueError):
    """A membership that the rules refuse; the message is shown to the user."""


@transaction.atomic
def user_clear_password_change(*, user: User) -> None:
    """A user who chose a new password may use the whole portal again."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False


@transaction.atomic
def membership_create(*, user: User, organization: Organization, role: str) -> Membership:
    """Adds `user` to `organization` with a role that fits the organization's kind."""
    if role not in Membership.ROLES_BY_KIND[organization.kind]:
        raise MembershipError(
            f"Le rôle « {Membership.Role(role).label} » n'existe pas pour un "
            f"{organization.get_kind_display().lower()}."
        )
    return Membership.objects.create(user=user, organization=organization, role=role)
