"""What every move of a case shares: the lock, the transition check, the timeline row,
and the e-mails to each side."""

from accounts.models import Membership
from notifications.services import notify

from ..models import CASE_TRANSITIONS, Case, CaseEvent, CaseStatus, ClientFile

NBSP = "\u00a0"


class CaseRefused(Exception):
    """A move the case's state (or its data) does not allow; the message is for the user."""


def case_lock(case: Case) -> Case:
    """The case row, locked until the transaction ends, so that two people acting on it
    at once are served one after the other, the second seeing the first's result."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("provider", "client_file", "centre")
        .get(pk=case.pk)
    )


def case_move(case: Case, to_status: str, *, actor, note: str = "") -> Case:
    """Moves a locked case to `to_status` if CASE_TRANSITIONS allows it, and writes the
    timeline row; otherwise CaseRefused says why in French."""
    if to_status not in CASE_TRANSITIONS[CaseStatus(case.status)]:
        raise CaseRefused(
            f"Ce dossier est «{NBSP}{case.get_status_display()}{NBSP}»{NBSP}: il ne peut pas "
            f"passer à «{NBSP}{CaseStatus(to_status).label}{NBSP}»."
        )
    previous = case.status
    case.status = to_status
    case.save()
    CaseEvent.objects.create(
        case=case, from_status=previous, to_status=to_status, actor=actor, note=note
    )
    return case


def company_email(client_file: ClientFile) -> str:
    """Where the company is written to: the representative's address, else the account's."""
    if client_file.rep_email:
        return client_file.rep_email
    return client_file.owner.email if client_file.owner_id else ""


def notify_company(case: Case, event: str, context: dict, *, key: str, actor=None) -> None:
    """One e-mail to the company about its case, recorded on the case's timeline."""
    email = company_email(case.client_file)
    if not email:
        return
    notifications = notify(
        event,
        email=email,
        context={**context, "case": case, "client_file": case.client_file},
        idempotency_key=f"{event}:{case.public_id}:{key}",
        user=case.client_file.owner,
    )
    CaseEvent.objects.create(
        case=case, actor=actor, note=f"E-mail «{NBSP}{notifications[0].subject}{NBSP}» à {email}"
    )


def notify_provider(case: Case, event: str, context: dict, *, key: str) -> None:
    """One e-mail to each active admin and agent of the case's domiciliataire."""
    members = Membership.objects.filter(
        organization_id=case.provider.organization_id,
        role__in=[Membership.Role.ADMIN, Membership.Role.AGENT],
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    for membership in members:
        if membership.user.email:
            notify(
                event,
                email=membership.user.email,
                context={**context, "case": case, "client_file": case.client_file},
                idempotency_key=f"{event}:{case.public_id}:{key}:{membership.pk}",
                user=membership.user,
            )
