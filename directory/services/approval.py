"""The prefectoral approval's expiry (6 years, Provider.approval_expires_on): the
domiciliataire's admins are alerted 6 months and 1 month before, each alert once per
approval date (a renewed approval starts them again: provider_save)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from accounts.selectors import active_members
from notifications.services import notify

from ..models import APPROVAL_YEARS, Provider

# (months before the expiry, the field that records the alert)
ALERTS = ((6, "approval_alerted_6m_at"), (1, "approval_alerted_1m_at"))


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def approval_alerts_run(*, today: date | None = None) -> int:
    """The beat job: each listed domiciliataire whose approval expires within 6 months
    (then 1 month) and has not had that alert gets it; at 1 month only the closest one
    is sent. Returns the number of alerts sent."""
    today = today or timezone.localdate()
    now = timezone.now()
    # An approval expiring within 6 months was granted 6 years - 6 months ago or before.
    horizon = _months_before(today, APPROVAL_YEARS * 12 - 6)
    candidates = Provider.objects.filter(is_listed=True, published_approval_date__lte=horizon)
    sent = 0
    for provider in candidates:
        expires_on = provider.approval_expires_on
        if expires_on is None or today >= expires_on:
            continue
        due = [(months, field) for months, field in ALERTS
               if today >= _months_before(expires_on, months)]  # fmt: skip
        if not due:
            continue
        months, field = min(due)
        claimed = Provider.objects.filter(pk=provider.pk, **{f"{field}__isnull": True}).update(
            **{field: now, **{f: now for m, f in ALERTS if m > months}}
        )
        if not claimed:
            continue
        sent += 1
        for membership in active_members(provider.organization_id, [Membership.Role.ADMIN]):
            if membership.user.email:
                notify(
                    "directory_approval_expiring",
                    email=membership.user.email,
                    context={"provider": provider, "months": months, "expires_on": expires_on},
                    idempotency_key=(
                        f"approval_expiring:{provider.pk}:{provider.published_approval_date}:"
                        f"{months}:{membership.pk}"
                    ),
                    user=membership.user,
                )
    return sent
