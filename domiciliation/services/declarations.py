"""The declarations to the tax office (SIE) and URSSAF (R123-168): a list is marked sent
once (date, channel), its rows frozen as sent; the admins are reminded by e-mail 15 and
3 days before each deadline, each reminder once per domiciliataire and period."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.selectors import active_members
from common.exceptions import DomainError, TransitionRefused
from common.formats import french_date
from common.transitions import status_move
from directory.models import Provider
from notifications.pdf import render_pdf
from notifications.services import notify

from ..declarations import NBSP, REMINDER_DAYS, Period, periods_with_deadline_within
from ..legal_selectors import declaration_rows
from ..models import Contract, Declaration


class DeclarationRefused(DomainError):
    """A list that may not be built or marked sent (future period, sent already)."""


def declaration_period_check(period: Period, *, today: date) -> Period:
    """Refuses a period whose list cannot exist yet (its quarter is not over)."""
    if not period.is_available(today):
        raise DeclarationRefused(
            f"{period.label} n’est pas encore disponible{NBSP}: elle peut être établie à "
            f"partir du {french_date(period.available_on)}."
        )
    return period


def _locked(provider: Provider, period: Period) -> Declaration:
    declaration, _ = Declaration.objects.get_or_create(
        provider=provider, year=period.year, quarter=period.quarter
    )
    return Declaration.objects.select_for_update().get(pk=declaration.pk)


@transaction.atomic
def declaration_record_sent(
    *,
    organization: Organization,
    period: Period,
    sent_on: date,
    channel: str,
    actor: User,
) -> Declaration:
    """Records that `period`'s list was sent (date, channel): once, never changed; the
    rows it names are frozen as they are now."""
    today = timezone.localdate()
    declaration_period_check(period, today=today)
    if sent_on > today:
        raise DeclarationRefused("La date d’envoi ne peut pas être dans le futur.", field="sent_on")
    if sent_on < period.available_on:
        raise DeclarationRefused(
            f"La liste ne peut pas avoir été envoyée avant le {french_date(period.available_on)}.",
            field="sent_on",
        )
    if channel not in Declaration.Channel.values:
        raise DeclarationRefused("Choisissez le moyen d’envoi.", field="channel")
    declaration = _locked(organization.provider, period)

    def refused(from_status, to):
        return TransitionRefused(
            f"L’envoi de cette liste est déjà enregistré{NBSP}: le "
            f"{french_date(declaration.sent_on)}."
        )

    rows = [row.as_json() for row in declaration_rows(organization, period)]
    return status_move(
        declaration,
        Declaration.Status.SENT,
        transitions=Declaration.TRANSITIONS,
        refused=refused,
        actor=actor,
        note=f"Envoyée le {french_date(sent_on)} ({len(rows)} entreprise(s))",
        sent_on=sent_on,
        channel=channel,
        sent_by=actor,
        rows=rows,
    )


def _remind(declaration: Declaration, days: int, *, now) -> bool:
    """Claims the reminder (a conditional update: two runs, one e-mail) and queues the
    e-mail to every active admin. Returns whether it was sent now."""
    field = f"reminded_{days}_at"
    claimed = Declaration.objects.filter(
        pk=declaration.pk, status=Declaration.Status.DUE, **{f"{field}__isnull": True}
    ).update(**{field: now})
    if not claimed:
        return False
    provider = declaration.provider
    period = declaration.period
    for membership in active_members(provider.organization_id, [Membership.Role.ADMIN]):
        if membership.user.email:
            notify(
                "domiciliation_declaration_reminder",
                email=membership.user.email,
                context={
                    "provider": provider,
                    "period": period,
                    "days": days,
                    "member": membership.user,
                },
                idempotency_key=(
                    f"declaration_reminder:{declaration.public_id}:{days}:{membership.pk}"
                ),
                user=membership.user,
            )
    return True


@transaction.atomic
def declaration_reminders_run(*, today: date | None = None) -> int:
    """The beat job: for each period whose deadline is in 15 days or fewer, each
    domiciliataire with contracts and the list not sent gets the 15-day reminder, then
    the 3-day one, each once (a job that missed the 15th day sends it late; at 3 days
    or fewer only the 3-day one). Returns the number of reminders sent."""
    today = today or timezone.localdate()
    now = timezone.now()
    sent = 0
    periods = periods_with_deadline_within(today, max(REMINDER_DAYS))
    if not periods:
        return 0
    provider_ids = list(Contract.objects.values_list("provider_id", flat=True).distinct())
    for period in periods:
        existing = {
            d.provider_id
            for d in Declaration.objects.filter(year=period.year, quarter=period.quarter)
        }
        Declaration.objects.bulk_create(
            [
                Declaration(provider_id=pk, year=period.year, quarter=period.quarter)
                for pk in provider_ids
                if pk not in existing
            ],
            ignore_conflicts=True,
        )
        due = [days for days, day in period.reminder_days() if day <= today]
        if not due:
            continue
        days = min(due)  # The closest reminder; an earlier one missed is not sent late.
        declarations = Declaration.objects.filter(
            year=period.year, quarter=period.quarter, provider_id__in=provider_ids
        ).select_related("provider")
        for declaration in declarations:
            if _remind(declaration, days, now=now):
                sent += 1
                # An earlier reminder not sent yet would come too late now.
                for earlier in (d for d in REMINDER_DAYS if d > days):
                    Declaration.objects.filter(
                        pk=declaration.pk, **{f"reminded_{earlier}_at__isnull": True}
                    ).update(**{f"reminded_{earlier}_at": now})
    return sent


def declaration_pdf(
    *, organization: Organization, period: Period, rows: list, declaration: Declaration | None
) -> bytes:
    """The letter to the SIE and URSSAF with the list, ready to send (made when asked,
    from the frozen rows once sent)."""
    provider = organization.provider
    return render_pdf(
        "pdf/domiciliation_declaration.html",
        {
            "provider": provider,
            "centre": provider.centres.order_by("pk").first(),
            "period": period,
            "rows": rows,
            "declaration": declaration,
            "today": timezone.localdate(),
        },
    )
