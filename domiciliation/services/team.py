"""The domiciliataire's team: its admins invite agents, who instruct cases, and
deactivate or reactivate them."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accounts.models import Membership, Organization, User
from accounts.services import (
    email_in_use,
    membership_create,
    membership_deactivate,
    membership_reactivate,
)
from common.exceptions import DomainError
from notifications.services import notify


class TeamError(DomainError):
    """A team change the rules refuse; `field` names the form field it belongs to."""


def set_password_url(user: User) -> str:
    """A one-time link to choose a password (allauth's reset link, valid
    PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.PORTAL_BASE_URL}{path}"


@transaction.atomic
def agent_invite(
    *, organization: Organization, email: str, first_name: str, last_name: str, by: User
) -> User:
    """Creates an agent's account (no password yet) and e-mails them a link to choose
    one. An address already used by any account is refused: one person, one login."""
    Organization.objects.select_for_update().get(pk=organization.pk)
    email = email.strip().lower()
    if email_in_use(email):
        raise TeamError(
            "Cette adresse e-mail est déjà utilisée par un autre compte.", field="email"
        )
    user = User.objects.create_user(
        username=email, email=email, first_name=first_name, last_name=last_name
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    # The admin vouches for the address; the set-password link proves it too.
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    membership_create(user=user, organization=organization, role=Membership.Role.AGENT)
    notify(
        "domiciliation_agent_invited",
        email=email,
        context={
            "user": user,
            "organization": organization,
            "invited_by": by,
            "set_password_url": set_password_url(user),
        },
        idempotency_key=f"domiciliation_agent_invited:{user.public_id}",
        user=user,
        sensitive=True,  # the set-password link
    )
    return user


def _agent_membership(organization: Organization, user: User, by: User) -> Membership:
    if user.pk == by.pk:
        raise TeamError("Vous ne pouvez pas modifier votre propre accès.")
    membership = (
        Membership.objects.select_for_update()
        .filter(organization=organization, user=user, role=Membership.Role.AGENT)
        .first()
    )
    if membership is None:
        raise TeamError("Seul un agent peut être désactivé ou réactivé.")
    return membership


@transaction.atomic
def agent_deactivate(*, organization: Organization, user: User, by: User) -> None:
    """The agent loses access at once (accounts' one rule: the membership ends, and the
    account with it unless it serves another organization)."""
    membership_deactivate(membership=_agent_membership(organization, user, by))


@transaction.atomic
def agent_reactivate(*, organization: Organization, user: User, by: User) -> None:
    membership_reactivate(membership=_agent_membership(organization, user, by))
