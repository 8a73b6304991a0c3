"""« Profil gestionnaire »: the primary manager creates, deactivates and reactivates the
financeur's secondary managers; every manager edits their own details."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from accounts.services import (
    email_in_use,
    membership_create,
    membership_deactivate,
    membership_reactivate,
    user_set_temporary_password,
)
from common.exceptions import DomainError
from common.formats import french_datetime
from common.phones import normalize_phone
from notifications.services import notify

from ..models import Funder


class ManagerError(DomainError):
    """A manager change that the rules refuse. `field` names the form field the message
    belongs to (None: the whole form)."""


def phone_normalize(phone: str) -> str:
    """A phone number in E.164 (French by default), or "" when none is given."""
    if not phone.strip():
        return ""
    try:
        return normalize_phone(phone)
    except ValidationError as error:
        raise ManagerError(error.messages[0], field="phone") from error


def _check_email_free(email: str) -> None:
    if email_in_use(email):
        raise ManagerError(
            "Cette adresse e-mail est déjà utilisée par un autre compte.", field="email"
        )


def _next_identifier(funder: Funder) -> str:
    """`<reference>-NN` after the highest number ever given: users are never deleted, so
    a deactivated manager's number is never handed out again."""
    prefix = f"{funder.client_reference}-"
    usernames = User.objects.filter(username__startswith=prefix).values_list("username", flat=True)
    numbers = [int(name[len(prefix) :]) for name in usernames if name[len(prefix) :].isdigit()]
    return f"{prefix}{max([1, *numbers]) + 1:02d}"


@transaction.atomic
def manager_create(
    *, funder: Funder, first_name: str, last_name: str, email: str, phone: str, created_by: User
) -> User:
    """Creates a secondary manager of `funder` with the next identifier
    (`<reference>-02`, `-03`…) and e-mails them a temporary password valid 72 hours."""
    funder = Funder.objects.select_for_update().get(pk=funder.pk)  # one allocation at a time
    phone = phone_normalize(phone)
    _check_email_free(email)
    user = User.objects.create_user(
        username=_next_identifier(funder),
        email=email,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    membership_create(user=user, organization=funder.organization, role=Membership.Role.SECONDARY)
    password = user_set_temporary_password(user=user)
    notify(
        "cesu_manager_created",
        email=email,
        context={
            "user": user,
            "funder": funder,
            "password": password,
            "expires_at": french_datetime(user.temporary_password_expires_at),
            "created_by": created_by,
        },
        idempotency_key=f"cesu_manager_created:{user.public_id}",
        user=user,
        sensitive=True,  # the temporary password
    )
    return user


def _secondary_membership(funder: Funder, user: User) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(organization=funder.organization, user=user)
        .first()
    )
    if membership is None or membership.role != Membership.Role.SECONDARY:
        raise ManagerError("Seul un gestionnaire secondaire peut être désactivé ou réactivé.")
    return membership


@transaction.atomic
def manager_deactivate(*, funder: Funder, user: User, by: User) -> None:
    """Deactivates a secondary manager of `funder` (accounts' one rule: the membership
    ends at once, and the account with it unless it serves another organization)."""
    membership_deactivate(membership=_secondary_membership(funder, user))


@transaction.atomic
def manager_reactivate(*, funder: Funder, user: User, by: User) -> None:
    """Reactivates a secondary manager of `funder` and tells them they may log in again."""
    membership = _secondary_membership(funder, user)
    if membership.is_active and user.is_active:
        return
    membership_reactivate(membership=membership)
    notify(
        "cesu_manager_reactivated",
        email=user.email,
        context={"user": user, "funder": funder, "reactivated_by": by},
        idempotency_key=f"cesu_manager_reactivated:{user.public_id}:{timezone.now().isoformat()}",
        user=user,
    )


@transaction.atomic
def manager_update_profile(*, user: User, first_name: str, last_name: str, phone: str) -> User:
    """Saves a manager's own name and phone. Their e-mail address is not changed here: a
    session alone must not redirect « Mot de passe oublié » (accounts' « Adresse e-mail »
    page asks for the password and a confirmation from the new address)."""
    user.first_name, user.last_name, user.phone = first_name, last_name, phone_normalize(phone)
    user.save(update_fields=["first_name", "last_name", "phone"])
    return user
