"""Reads of the domiciliation part: the company's files and the providers it may send them
to; the domiciliataire's case list, counts and key figures, one case with everything its
pages show, and the contract."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Organization, User
from common.phones import masked_phone
from common.text import search_key
from common.validators import uuid_or_none
from directory.models import Provider, ProviderCentre

from .models import (
    Case,
    CaseDocument,
    CaseStatus,
    ClientFile,
    ContractTemplate,
    Payment,
    Proof,
    ProofReview,
    ProofType,
    Signature,
)

# The case counts of a domiciliataire stay in the cache this long at most (seconds).
CASE_COUNTS_KEPT = 24 * 3600


def provider_cases(
    organization: Organization, *, status: str = "", query: str = ""
) -> QuerySet[Case]:
    """The domiciliataire's cases for its list: S1 oldest first (the queue), any other
    view newest first; `query` matches the company or the representative.

    The cases are filtered on their provider's id, read first, not through a join on the
    organization: with the provider known, PostgreSQL walks the index that serves the
    sort (provider, status, received) and stops at the page, where a join made it expect
    two cases and sort a hundred thousand. The search's `icontains` uses the trigram
    indexes of migration 0009 on PostgreSQL."""
    provider_id = _provider_id(organization)
    if provider_id is None:
        return Case.objects.none()
    late_payment = Payment.objects.filter(case=OuterRef("pk"), status=Payment.Status.RECEIVED_LATE)
    cases = Case.objects.filter(provider_id=provider_id).annotate(
        has_late_payment=Exists(late_payment)
    )
    if status:
        cases = cases.filter(status=status)
    for word in query.split()[:5]:
        cases = cases.filter(Q(company_name__icontains=word) | Q(representative__icontains=word))
    if status == CaseStatus.S1:
        return cases.order_by("created_at", "pk")
    return cases.order_by("-created_at", "-pk")


def provider_case_counts(organization: Organization) -> list[tuple[str, str, int]]:
    """(status, label, number of cases) for every status. Counting a big domiciliataire's
    cases takes tens of milliseconds, so the counts are kept in the cache under the time of
    its latest case change: every change of a case saves its `updated_at` (cases are never
    deleted), so the first page after a change counts them again, and every other page
    reads them back."""
    provider_id = _provider_id(organization)
    counts = {}
    if provider_id is not None:
        cases = Case.objects.filter(provider_id=provider_id)
        changed = cases.aggregate(at=Max("updated_at"))["at"]
        key = f"domiciliation:case-counts:{provider_id}:{changed.timestamp() if changed else 0}"
        counts = cache.get(key)
        if counts is None:
            rows = cases.values("status").annotate(n=Count("pk")).order_by()
            counts = {row["status"]: row["n"] for row in rows}
            cache.set(key, counts, timeout=CASE_COUNTS_KEPT)
    return [(status, label, counts.get(status, 0)) for status, label in CaseStatus.choices]


def _provider_id(organization: Organization | None) -> int | None:
    if organization is None:
        return None
    return Provider.objects.filter(organization=organization).values_list("pk", flat=True).first()


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
    return Case.objects.select_related("client_file__owner", "provider", "centre", "decided_by")


def case_reviews(case: Case) -> list[ProofReview]:
    """The case's proofs in the staff's order, each marked required or not for this file."""
    reviews = list(case.reviews.select_related("proof", "proof_type"))
    for review in reviews:
        review.required = review.proof_type.required_for(case.declared)
    return reviews


def provider_of(organization: Organization) -> Provider | None:
    """The directory profile of a domiciliataire organization (None before it has one)."""
    return Provider.objects.filter(organization=organization).first()


def contract_clauses_of(provider: Provider) -> tuple[str, bool]:
    """(the clauses the provider's contracts use, whether they are its own)."""
    own = ContractTemplate.objects.filter(provider=provider).first()
    if own is not None:
        return own.clauses, True
    default = ContractTemplate.objects.filter(provider__isnull=True).order_by("pk").first()
    return (default.clauses if default else ""), False


def standard_contract_template() -> ContractTemplate | None:
    """The staff's default clauses: the « contrat standard » every provider without
    clauses of its own uses."""
    return ContractTemplate.objects.filter(provider__isnull=True).order_by("pk").first()


def provider_contract_template(provider: Provider) -> tuple[ContractTemplate | None, bool]:
    """(the clauses the provider's next contracts use, whether they are its own)."""
    own = ContractTemplate.objects.filter(provider=provider).first()
    if own is not None:
        return own, True
    return standard_contract_template(), False


def contract_template(case: Case) -> ContractTemplate:
    """The domiciliataire's own clauses, else the staff's default ones."""
    return (
        ContractTemplate.objects.filter(Q(provider=case.provider_id) | Q(provider__isnull=True))
        .order_by(F("provider").asc(nulls_last=True), "pk")
        .first()
    )


def current_proofs(client_file: ClientFile) -> dict[int, Proof]:
    """The current version of each proof, by proof type id, in one query."""
    proofs = client_file.proofs.filter(superseded_at__isnull=True).select_related("proof_type")
    return {proof.proof_type_id: proof for proof in proofs}


# The company's side

# The directory keeps the visitor's selection in the session under this key.
DIRECTORY_SELECTION_KEY = "directory_selection"


def active_proof_types() -> list[ProofType]:
    return list(ProofType.objects.filter(is_active=True))


def provider_centre(provider: Provider, public_id: str) -> ProviderCentre | None:
    """One of `provider`'s centres, or None for an unknown or malformed id."""
    if not public_id:
        return None
    try:
        return provider.centres.filter(public_id=public_id).first()
    except ValidationError:
        return None


def directory_selection(session) -> list[Provider]:
    """The listed providers of the visitor's directory selection (« Ma sélection »)."""
    slugs = [entry["slug"] for entry in session.get(DIRECTORY_SELECTION_KEY, [])]
    return list(Provider.objects.listed().filter(slug__in=slugs))


def listed_providers(ids: list[str]) -> list[Provider]:
    return list(Provider.objects.listed().filter(pk__in=ids))


def recipient_choices(client_file: ClientFile, *, session, query: str = "") -> list[Provider]:
    """The providers offered at sending: where the company came from, its directory
    selection, and those found by the search box (10 at most)."""
    slugs = [entry["slug"] for entry in session.get(DIRECTORY_SELECTION_KEY, [])]
    wanted = Q(pk=client_file.origin_provider_id) | Q(pk__in=client_file.preselected.all())
    wanted |= Q(slug__in=slugs)
    key = search_key(query)[:100]
    found = []
    if key:
        found = list(
            Provider.objects.listed().filter(search_name__contains=key).order_by("search_name")[:10]
        )
    providers = list(Provider.objects.listed().filter(wanted).order_by("search_name"))
    return providers + [p for p in found if p not in providers]


def decided_providers(client_file: ClientFile) -> list[Provider]:
    """The domiciliataires that have decided on the file (accepted it, or further): they
    keep the file as they decided on it, whatever the company changes since."""
    decided = [CaseStatus.ACCEPTED, CaseStatus.PAID, CaseStatus.SIGNED, CaseStatus.EXPIRED]
    return list(
        Provider.objects.filter(cases__client_file=client_file, cases__status__in=decided)
        .distinct()
        .order_by("search_name")
    )


def company_files(user: User) -> QuerySet[ClientFile]:
    """« Mes dossiers »: the company's files, each with its cases and what their cards
    show (proof states, signatures, documents, invoice), in a fixed number of queries."""
    return (
        ClientFile.objects.filter(owner=user)
        .prefetch_related(
            Prefetch(
                "cases",
                queryset=Case.objects.select_related("provider", "contract").prefetch_related(
                    Prefetch("reviews", queryset=ProofReview.objects.select_related("proof_type")),
                    "signatures",
                    "documents",
                    "invoices",
                ),
            )
        )
        .order_by("-updated_at")
    )


# Payment and signature


def stripe_payment(reference_id, session_id) -> Payment | None:
    """The Stripe payment a Checkout Session names (its client reference and its id)."""
    return (
        Payment.objects.filter(
            public_id=uuid_or_none(reference_id),
            method=Payment.Method.STRIPE,
            reference=session_id,
        )
        .select_related("case")
        .first()
    )


def case_payment_overview(case: Case) -> dict:
    """What « Paiement et signature » shows: the payments, the invoice, both signatures
    (None for a party not asked yet) and the documents as issued."""
    signatures = {
        signature.party: signature for signature in case.signatures.select_related("signer")
    }
    return {
        "payments": case.payments.select_related("recorded_by"),
        "invoice": case.issued_invoice,
        "signatures": [signatures.get(party) for party in Signature.Party],
        "provider_signature": signatures.get(Signature.Party.PROVIDER),
        "documents": case.issued_documents,
    }


def may_sign(signature: Signature, user: User) -> bool:
    """The company's owner signs for the company; any active admin of the domiciliataire
    signs for it."""
    if not user.is_authenticated:
        return False
    case = signature.case
    if signature.party == Signature.Party.COMPANY:
        return case.client_file.owner_id == user.pk
    return Membership.objects.filter(
        user=user,
        organization_id=case.provider.organization_id,
        role=Membership.Role.ADMIN,
        is_active=True,
    ).exists()


def signer_phone(signature: Signature, user: User) -> str:
    """Where the code goes: the representative's mobile given in the questionnaire, or
    the domiciliataire admin's own mobile."""
    if signature.party == Signature.Party.COMPANY:
        return signature.case.declared.rep_mobile
    return user.phone


def signature_page(signature: Signature, user: User) -> dict:
    """What the signing page shows its signer: the case, both signatures, the sealed
    contract once made, the masked phone the code goes to and the code in progress."""
    case = signature.case
    return {
        "signature": signature,
        "case": case,
        "client_file": case.client_file,
        "signatures": list(case.signatures.select_related("signer")),
        "signed_contract": case.documents.filter(kind=CaseDocument.Kind.SIGNED_CONTRACT).first(),
        "phone": masked_phone(signer_phone(signature, user)),
        "active_code": signature.codes.filter(user=user, used_at__isnull=True).first(),
    }


def team_members(organization: Organization) -> QuerySet[Membership]:
    """The domiciliataire's admins then agents, by name, active or not."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )
