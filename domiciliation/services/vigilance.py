"""The anti-money-laundering vigilance (domiciliation.vigilance): an assessment
recorded before a case may be accepted and at each review; its review reminders; the
restricted « déclaration de soupçon » notes, every read of which is logged. Nothing
here ever notifies the company."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from accounts.selectors import active_members
from common.exceptions import DomainError
from notifications.services import notify

from ..models import Case, SuspicionNote, SuspicionNoteRead, VigilanceAssessment
from ..vigilance import CRITERIA, MEASURES, next_review, risk_level

# Admins are reminded this long before a review falls due.
REVIEW_NOTICE = timedelta(days=30)


class VigilanceRefused(DomainError):
    pass


@transaction.atomic
def vigilance_assess(
    *, case: Case, actor: User, comment: str = "", **answers: bool
) -> VigilanceAssessment:
    """Records an assessment of the case's risk from the stated criteria: its level,
    the measures it implies, its next review (1 year for a high risk, 3 otherwise)."""
    unknown = set(answers) - {name for name, _, _ in CRITERIA}
    if unknown:
        raise VigilanceRefused("Critère inconnu.")
    answers = {name: bool(answers.get(name, False)) for name, _, _ in CRITERIA}
    level = risk_level(answers)
    today = timezone.localdate()
    assessment = VigilanceAssessment.objects.create(
        case=case,
        level=level,
        measures=MEASURES[level],
        comment=comment.strip(),
        assessed_on=today,
        next_review_on=next_review(today, level),
        assessed_by=actor,
        **answers,
    )
    return assessment


def latest_assessment(case: Case) -> VigilanceAssessment | None:
    return case.assessments.order_by("-created_at", "-pk").first()


@transaction.atomic
def vigilance_reviews_remind(*, today: date | None = None) -> int:
    """The beat job: each latest assessment whose review falls due within 30 days, for a
    case still at the domiciliataire (accepted, paid or signed), reminds its admins
    once."""
    today = today or timezone.localdate()
    now = timezone.now()
    due = (
        VigilanceAssessment.objects.filter(
            next_review_on__lte=today + REVIEW_NOTICE,
            review_reminded_at__isnull=True,
            case__status__in=["accepted", "paid", "signed"],
        )
        .select_related("case__client_file", "case__provider")
        .order_by("pk")
    )
    sent = 0
    for assessment in due:
        if latest_assessment(assessment.case).pk != assessment.pk:
            continue
        if not VigilanceAssessment.objects.filter(
            pk=assessment.pk, review_reminded_at__isnull=True
        ).update(review_reminded_at=now):
            continue
        sent += 1
        case = assessment.case
        for membership in active_members(case.provider.organization_id, [Membership.Role.ADMIN]):
            if membership.user.email:
                notify(
                    "domiciliation_vigilance_review",
                    email=membership.user.email,
                    context={"case": case, "assessment": assessment},
                    idempotency_key=f"vigilance_review:{assessment.public_id}:{membership.pk}",
                    user=membership.user,
                )
    return sent


@transaction.atomic
def suspicion_note_add(*, case: Case, actor: User, text: str) -> SuspicionNote:
    """A restricted note toward a declaration to Tracfin (admins only; never sent)."""
    if not text.strip():
        raise VigilanceRefused("Écrivez la note.", field="text")
    return SuspicionNote.objects.create(case=case, text=text.strip(), created_by=actor)


@transaction.atomic
def suspicion_notes_read(*, case: Case, reader: User) -> list[SuspicionNote]:
    """The case's suspicion notes for an admin: the read itself is logged."""
    SuspicionNoteRead.objects.create(case=case, reader=reader)
    return list(SuspicionNote.objects.filter(case=case).select_related("created_by"))
