"""What every move of a case shares: the lock, the transition check, the timeline row,
and the e-mails to each side."""

from contextlib import contextmanager

from accounts.models import Membership
from accounts.selectors import active_members
from common.exceptions import DomainError, TransitionRefused
from common.transitions import event_log, status_move
from notifications.models import Notification
from notifications.services import notify

from ..models import Case, CaseEvent, CaseStatus, ClientFile

NBSP = "\u00a0"


class CaseRefused(DomainError):
    """A move the case's state (or its data) does not allow; the message is for the user."""


class CaseMoveRefused(CaseRefused, TransitionRefused):
    """A status change that Case.TRANSITIONS does not allow."""


def case_lock(case: Case) -> Case:
    """The case row, locked until the transaction ends, so that two people acting on it
    at once are served one after the other, the second seeing the first's result."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("provider", "client_file", "centre")
        .get(pk=case.pk)
    )


def case_move(case: Case, to_status: str, *, actor, note: str = "", **changes) -> Case:
    """Moves `case` to `to_status` if Case.TRANSITIONS allows it (checked under the row
    lock), with `changes` to its fields, and writes the timeline row; otherwise
    CaseRefused says why in French."""

    def refused(from_status: str, to: str) -> CaseMoveRefused:
        return CaseMoveRefused(
            f"Ce dossier est «{NBSP}{CaseStatus(from_status).label}{NBSP}»{NBSP}: il ne peut "
            f"pas passer à «{NBSP}{CaseStatus(to).label}{NBSP}»."
        )

    return status_move(
        case,
        to_status,
        transitions=Case.TRANSITIONS,
        refused=refused,
        actor=actor,
        note=note,
        **changes,
    )


def case_log(case: Case, note: str, *, actor=None) -> CaseEvent:
    """A line on the case's timeline without a status change (a review, an e-mail…)."""
    return event_log(case, note, actor=actor)


def company_email(client_file: ClientFile) -> str:
    """Where the company is written to: the representative's address, else the account's."""
    if client_file.rep_email:
        return client_file.rep_email
    return client_file.owner.email if client_file.owner_id else ""


def notify_company(
    case: Case,
    event: str,
    context: dict,
    *,
    key: str,
    actor=None,
    sms: bool = False,
    attachments: list[dict] | None = None,
) -> None:
    """One e-mail to the company about its case (and, with `sms`, one SMS to the
    representative's mobile), recorded on the case's timeline."""
    client_file = case.client_file
    email = company_email(client_file)
    phone = client_file.rep_mobile if sms else ""
    if not (email or phone):
        return
    notifications = notify(
        event,
        email=email,
        phone=phone,
        context={**context, "case": case, "client_file": case.declared},
        idempotency_key=f"{event}:{case.public_id}:{key}",
        user=client_file.owner,
        attachments=attachments,
    )
    for notification in notifications:
        what = (
            f"E-mail «{NBSP}{notification.subject}{NBSP}»"
            if notification.channel == Notification.Channel.EMAIL
            else "SMS"
        )
        case_log(case, f"{what} à {notification.recipient}", actor=actor)


PROVIDER_TEAM = (Membership.Role.ADMIN, Membership.Role.AGENT)


def notify_provider(
    case: Case,
    event: str,
    context: dict,
    *,
    key: str,
    roles=PROVIDER_TEAM,
    sms: bool = False,
    attachments: list[dict] | None = None,
) -> None:
    """One e-mail to each active member of the case's domiciliataire with one of `roles`
    (and, with `sms`, one SMS to each one's mobile on file)."""
    members = active_members(case.provider.organization_id, roles)
    for membership in members:
        user = membership.user
        if user.email or (sms and user.phone):
            notify(
                event,
                email=user.email,
                phone=user.phone if sms else "",
                context={**context, "case": case, "client_file": case.declared, "member": user},
                idempotency_key=f"{event}:{case.public_id}:{key}:{membership.pk}",
                user=user,
                attachments=attachments,
            )


@contextmanager
def recorded_refusal(case: Case, *, actor, attempt: str):
    """Lets a refusal (DomainError) through after writing the refused attempt on the
    case's timeline: the service rolled back everything else, the attempt is still known."""
    try:
        yield
    except DomainError as error:
        case_log(case, f"{attempt} refusé{NBSP}: {error}", actor=actor)
        raise
