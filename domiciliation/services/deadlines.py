"""The first payment's deadline: reminders to the company 3 days and 1 day before, then
expiry; and the domiciliataire's « Réactiver le dossier ». The beat job runs every 15
minutes; each reminder and each expiry happens once, however often it runs."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.formats import french_datetime

from ..models import Case, CaseStatus, Payment
from .cases import NBSP, CaseRefused, case_lock, case_move, notify_company, notify_provider
from .instruction import payment_deadline
from .payments import case_pay

# (level, how long before the deadline): the closest first, so that a case found late
# gets the 1-day reminder only, not both.
REMINDERS = [(2, timedelta(days=1)), (1, timedelta(days=3))]
BATCH_SIZE = 200


def _deadline_context(case: Case) -> dict:
    return {
        "provider": case.provider,
        "payment": case.first_payment,
        "due_at": french_datetime(case.payment_due_at),
    }


def _deadline_key(case: Case) -> str:
    # A reactivated case has a new deadline, hence new reminders.
    return f"{case.payment_due_at:%Y%m%d%H%M%S}"


@transaction.atomic
def case_remind(*, case_id: int, level: int, before: timedelta, now) -> bool:
    """Sends the reminder of `level` if it is due and not sent yet."""
    case = case_lock(Case(pk=case_id))
    if (
        case.status != CaseStatus.ACCEPTED
        or case.payment_reminders_sent >= level
        or not (now < case.payment_due_at <= now + before)
    ):
        return False
    case.payment_reminders_sent = level
    case.save(update_fields=["payment_reminders_sent", "updated_at"])
    notify_company(
        case,
        "domiciliation_payment_reminder",
        {**_deadline_context(case), "days": before.days},
        key=f"reminder:{_deadline_key(case)}:{level}",
        sms=True,
    )
    return True


@transaction.atomic
def case_expire(*, case_id: int, now) -> bool:
    """An accepted case still unpaid at its deadline expires; both parties are told."""
    case = case_lock(Case(pk=case_id))
    if case.status != CaseStatus.ACCEPTED or case.payment_due_at > now:
        return False
    case = case_move(case, CaseStatus.EXPIRED, actor=None, note="Délai de premier paiement dépassé")
    context = _deadline_context(case)
    key = f"expired:{_deadline_key(case)}"
    notify_company(case, "domiciliation_case_expired", context, key=key)
    notify_provider(case, "domiciliation_case_expired_provider", context, key=key)
    return True


def _in_batches(cases, handle) -> int:
    """Calls `handle(pk)` for each case, reading the ids BATCH_SIZE at a time by primary
    key so that a long list never sits in memory nor in one transaction."""
    done, last = 0, 0
    while True:
        ids = list(
            cases.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not ids:
            return done
        for case_id in ids:
            done += handle(case_id)
        last = ids[-1]


def payment_deadlines_run(*, now=None) -> dict[str, int]:
    """The beat job: due reminders, then expiries. Returns how many of each it did."""
    now = now or timezone.now()
    accepted = Case.objects.filter(status=CaseStatus.ACCEPTED)
    sent = {}
    for level, before in REMINDERS:
        due = accepted.filter(
            payment_reminders_sent__lt=level,
            payment_due_at__gt=now,
            payment_due_at__lte=now + before,
        )
        sent[f"reminders_{before.days}d"] = _in_batches(
            due,
            lambda pk, level=level, before=before: case_remind(
                case_id=pk, level=level, before=before, now=now
            ),
        )
    sent["expired"] = _in_batches(
        accepted.filter(payment_due_at__lte=now),
        lambda pk: case_expire(case_id=pk, now=now),
    )
    return sent


@transaction.atomic
def case_reactivate(*, case: Case, actor: User) -> Case:
    """« Réactiver le dossier »: an expired case is accepted again with a new 7-day
    deadline and fresh reminders. A payment received after expiry is kept: it pays the
    case at once."""
    case = case_lock(case)
    if not case.is_expired:
        raise CaseRefused(
            f"Ce dossier est «{NBSP}{case.get_status_display()}{NBSP}»{NBSP}: seul un dossier "
            "expiré peut être réactivé."
        )
    case = case_move(
        case,
        CaseStatus.ACCEPTED,
        actor=actor,
        note="Dossier réactivé",
        payment_due_at=payment_deadline(timezone.now()),
        payment_reminders_sent=0,
    )
    late = case.payments.select_for_update().filter(status=Payment.Status.RECEIVED_LATE).first()
    if late is not None:
        late.status = Payment.Status.SUCCEEDED
        late.save(update_fields=["status"])
        return case_pay(case, late, actor=actor)
    notify_company(
        case,
        "domiciliation_case_reactivated",
        _deadline_context(case),
        key=f"reactivated:{_deadline_key(case)}",
        actor=actor,
    )
    return case
