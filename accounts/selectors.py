"""Reads about accounts that several apps need."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from .models import Membership, User


def email_verified(user: User) -> bool:
    """Whether `user` has confirmed an e-mail address (allauth)."""
    return user.is_authenticated and EmailAddress.objects.filter(user=user, verified=True).exists()


def active_members(organization_id: int, roles: Iterable[str]) -> QuerySet[Membership]:
    """The memberships of an organization with one of `roles` whose membership and
    account are both active (the people an organization's e-mails go to), with users."""
    return Membership.objects.filter(
        organization_id=organization_id,
        role__in=list(roles),
        is_active=True,
        user__is_active=True,
    ).select_related("user")
