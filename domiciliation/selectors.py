"""Reads of the domiciliataire's side: its case list, counts and key figures, one case
with everything its pages show, and the contract."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization

from .models import Case, CaseStatus, ContractTemplate, Payment, ProofReview


def provider_cases(
    organization: Organization, *, status: str = "", query: str = ""
) -> QuerySet[Case]:
    """The domiciliataire's cases for its list: S1 oldest first (the queue), any other
    view newest first; `query` matches the company or the representative."""
    late_payment = Payment.objects.filter(case=OuterRef("pk"), status=Payment.Status.RECEIVED_LATE)
    cases = (
        Case.objects.for_organization(organization)
        .select_related("client_file")
        .annotate(has_late_payment=Exists(late_payment))
    )
    if status:
        cases = cases.filter(status=status)
    for word in query.split()[:5]:
        cases = cases.filter(
            Q(client_file__company_name__icontains=word)
            | Q(client_file__rep_last_name__icontains=word)
            | Q(client_file__rep_first_name__icontains=word)
        )
    if status == CaseStatus.S1:
        return cases.order_by("created_at", "pk")
    return cases.order_by("-created_at", "-pk")


def provider_case_counts(organization: Organization) -> list[tuple[str, str, int]]:
    """(status, label, number of cases) for every status, in one query."""
    rows = (
        Case.objects.for_organization(organization)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["status"]: row["n"] for row in rows}
    return [(status, label, counts.get(status, 0)) for status, label in CaseStatus.choices]


@dataclass(frozen=True)
class KeyFigures:
    new_this_week: int
    waiting_for_company: int
    acceptance_rate: int | None  # percent, None before any decision
    average_decision_days: float | None


def provider_key_figures(organization: Organization, *, now=None) -> KeyFigures:
    """The dashboard's figures, in one query: cases received since Monday (Paris time),
    cases waiting for the company (payment or signature), the share of decisions that
    were acceptances, and the average time from receipt to decision."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = timezone.make_aware(datetime.combine(today - timedelta(days=today.weekday()), time()))
    decided = Q(decided_at__isnull=False)
    figures = Case.objects.for_organization(organization).aggregate(
        new_this_week=Count("pk", filter=Q(created_at__gte=monday)),
        waiting=Count("pk", filter=Q(status__in=[CaseStatus.ACCEPTED, CaseStatus.PAID])),
        decided=Count("pk", filter=decided),
        dismissed=Count("pk", filter=decided & Q(status=CaseStatus.DISMISSED)),
        average=Avg(F("decided_at") - F("created_at"), filter=decided),
    )
    rate = None
    if figures["decided"]:
        accepted = figures["decided"] - figures["dismissed"]
        rate = round(100 * accepted / figures["decided"])
    average = figures["average"]
    return KeyFigures(
        new_this_week=figures["new_this_week"],
        waiting_for_company=figures["waiting"],
        acceptance_rate=rate,
        average_decision_days=(
            round(average.total_seconds() / 86400, 1) if average is not None else None
        ),
    )


def cases_with_details() -> QuerySet[Case]:
    """Cases with the joins every case page needs (the caller narrows to its tenant)."""
    return Case.objects.select_related(
        "client_file__owner", "provider", "centre", "decided_by"
    ).prefetch_related("client_file__beneficial_owners")


def case_reviews(case: Case) -> list[ProofReview]:
    """The case's proofs in the staff's order, each marked required or not for this file."""
    reviews = list(case.reviews.select_related("proof", "proof_type"))
    for review in reviews:
        review.required = review.proof_type.required_for(case.client_file)
    return reviews


def contract_template(case: Case) -> ContractTemplate:
    """The domiciliataire's own clauses, else the staff's default ones."""
    return (
        ContractTemplate.objects.filter(Q(provider=case.provider_id) | Q(provider__isnull=True))
        .order_by(F("provider").asc(nulls_last=True), "pk")
        .first()
    )
