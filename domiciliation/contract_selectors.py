"""Reads of the running contracts (selectors.py holds the requests and cases): the
domiciliataire's contract list with its counts, unpaid invoices, greffe queue and
monthly recurring revenue over twelve months; one contract with everything its pages
show, for either party; the Stripe objects a webhook names."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from accounts.models import Organization
from common.validators import uuid_or_none

from .models import (
    CaseDocument,
    Contract,
    ContractStatus,
    CreditNote,
    GreffeNotice,
    Invoice,
    Payment,
)
from .periods import add_months


def provider_contracts(
    organization: Organization, *, status: str = "", query: str = "", unpaid: bool = False
) -> QuerySet[Contract]:
    """The domiciliataire's contracts by company name; `query` matches the company, its
    SIREN or the contract's number; `unpaid` keeps those with an invoice to pay."""
    owed = Invoice.objects.filter(contract=OuterRef("pk"), status__in=Invoice.UNPAID)
    contracts = Contract.objects.for_organization(organization).annotate(has_unpaid=Exists(owed))
    if status:
        contracts = contracts.filter(status=status)
    if unpaid:
        contracts = contracts.filter(has_unpaid=True)
    for word in query.split()[:5]:
        contracts = contracts.filter(
            Q(company_name__icontains=word) | Q(siren=word) | Q(number__iexact=word)
        )
    return contracts.order_by("company_name", "pk")


def contract_counts(organization: Organization) -> list[tuple[str, str, int]]:
    """(status, label, number of contracts) for every status, in one query."""
    rows = (
        Contract.objects.for_organization(organization)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["status"]: row["n"] for row in rows}
    return [(status, label, counts.get(status, 0)) for status, label in ContractStatus.choices]


@dataclass(frozen=True)
class RevenuePoint:
    day: date
    amount: Decimal


def monthly_revenue(organization: Organization, *, today: date) -> list[RevenuePoint]:
    """The monthly recurring revenue (excl. tax) on the first of each of the last twelve
    months and today: the monthly worth of every invoice (not cancelled) covering that
    day, for contracts not ended by then. One query."""
    days = [add_months(today.replace(day=1), -months) for months in range(12, 0, -1)]
    days.append(today)
    invoices = (
        Invoice.objects.for_organization(organization)
        .filter(contract__isnull=False, period_end__gte=days[0], period_start__lte=today)
        .exclude(status=Invoice.Status.CANCELLED)
    )
    sums = invoices.aggregate(
        **{
            f"d{index}": Sum(
                "monthly_excl_tax",
                filter=Q(period_start__lte=day, period_end__gte=day)
                & (Q(contract__ends_on__isnull=True) | Q(contract__ends_on__gte=day)),
            )
            for index, day in enumerate(days)
        }
    )
    return [
        RevenuePoint(day, sums[f"d{index}"] or Decimal("0.00")) for index, day in enumerate(days)
    ]


def unpaid_invoices(organization: Organization) -> QuerySet[Invoice]:
    """The invoices of the domiciliataire's contracts still to pay, the oldest due first."""
    # The contracts of the page's 50 rows are read afterwards (prefetch): sorting
    # thousands of invoices joined to their contracts' every column costs more.
    return (
        Invoice.objects.for_organization(organization)
        .unpaid()
        .filter(contract__isnull=False)
        .defer("lines")
        .prefetch_related(Prefetch("contract", queryset=Contract.objects.only(
            "public_id", "company_name", "status")))
        .order_by("due_date", "pk")
    )  # fmt: skip


def greffe_queue(organization: Organization) -> tuple[list[GreffeNotice], list[GreffeNotice]]:
    """« À signaler au greffe »: the notices due, oldest first; the last 50 sent."""
    notices = GreffeNotice.objects.filter(provider__organization=organization).select_related(
        "contract__case__centre__department", "sent_by"
    )
    due = list(notices.filter(status=GreffeNotice.Status.DUE).order_by("created_at", "pk"))
    sent = list(notices.filter(status=GreffeNotice.Status.SENT).order_by("-sent_on", "-pk")[:50])
    return due, sent


def greffe_due_count(organization: Organization) -> int:
    return GreffeNotice.objects.filter(
        provider__organization=organization, status=GreffeNotice.Status.DUE
    ).count()


def contract_page(contract: Contract, *, for_provider: bool) -> dict:
    """Everything a contract's page shows: invoices (newest first) with their credit
    notes, the credit notes, payments, the saved method, the documents, the timeline;
    for the domiciliataire, the greffe notices too."""
    invoices = list(
        contract.case.invoices.prefetch_related(
            Prefetch("credit_notes", queryset=CreditNote.objects.order_by("pk"))
        ).order_by("-issue_date", "-pk")
    )
    payments = list(
        Payment.objects.filter(case_id=contract.case_id)
        .select_related("invoice", "saved_method", "recorded_by")
        .order_by("-created_at", "-pk")
    )
    documents = list(
        contract.case.documents.filter(
            kind__in=[CaseDocument.Kind.SIGNED_CONTRACT, CaseDocument.Kind.ATTESTATION,
                      CaseDocument.Kind.END_ATTESTATION]
        ).order_by("pk")
    )  # fmt: skip
    page = {
        "contract": contract,
        "invoices": invoices,
        "unpaid": [invoice for invoice in invoices if invoice.is_unpaid],
        "credit_notes": list(contract.case.credit_notes.select_related("invoice").order_by("-pk")),
        "payments": payments,
        "in_flight": {p.invoice_id for p in payments if p.is_pending and p.saved_method_id},
        "method": contract.payment_methods.filter(is_active=True).first(),
        "documents": documents,
        "events": list(contract.events.select_related("actor").order_by("-created_at", "-pk")),
    }
    if for_provider:
        page["greffe_notices"] = list(contract.greffe_notices.order_by("pk"))
    return page


def contracts_of_company(user) -> QuerySet[Contract]:
    return Contract.objects.of_company(user).select_related("provider")


# Stripe


def stripe_intent_payment(intent_id: str, payment_id: str = "") -> Payment | None:
    """The payment a PaymentIntent is about: known by its id, or by the payment named in
    its metadata (an answer that arrived before the charge's response was recorded)."""
    payments = Payment.objects.filter(method=Payment.Method.STRIPE).select_related(
        "invoice", "case"
    )
    found = payments.filter(provider_payment_id=intent_id).first() if intent_id else None
    if found is None and uuid_or_none(payment_id):
        found = payments.filter(public_id=uuid_or_none(payment_id)).first()
        if found is not None and found.provider_payment_id not in ("", intent_id):
            return None
    return found


def stripe_setup_contract(contract_id: str, customer_id: str) -> Contract | None:
    """The contract a setup Checkout Session was made for: its public id and customer."""
    if not customer_id:
        return None
    return Contract.objects.filter(
        public_id=uuid_or_none(contract_id), stripe_customer=customer_id
    ).first()


def contracts_awaiting_registration(organization: Organization):
    """The provider's contracts whose company, created through the portal, has not sent
    its Kbis and SIREN yet, oldest signature first."""
    return (
        Contract.objects.for_organization(organization)
        .filter(awaits_registration=True)
        .exclude(status=ContractStatus.ENDED)
        .select_related("case")
        .only(
            "public_id",
            "number",
            "company_name",
            "created_at",
            "registration_reminders",
            "case__signed_at",
        )
        .order_by("case__signed_at", "pk")
    )
