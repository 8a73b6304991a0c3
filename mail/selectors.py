"""Reads of the mailbox, each with the joins its page needs: the provider's queues and
counts, the company's mailbox, the contracts an entry row names."""

from datetime import timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import Upper

from domiciliation.models import Contract

from .models import (
    QUEUES,
    UNCOLLECTED_WARNING_DAYS,
    WAITING_STATUSES,
    Mailbox,
    MailItem,
    MailScan,
)


def contracts_named(provider, terms: list[str]) -> dict[str, list[Contract]]:
    """The provider's contracts each entry term names (a contract number, a SIREN, or the
    company's exact name, case aside), in one query: {term: [contracts]}."""
    cleaned = {term: term.strip() for term in terms if term and term.strip()}
    if not cleaned:
        return {}
    values = set(cleaned.values())
    upper = {value.upper() for value in values}
    sirens = {value.replace(" ", "") for value in values}
    contracts = list(
        Contract.objects.filter(provider=provider)
        .annotate(name_upper=Upper("company_name"))
        .filter(Q(number__in=values) | Q(siren__in=sirens) | Q(name_upper__in=upper))
        .select_related("mailbox")
        .order_by("-starts_on", "-pk")
    )
    found: dict[str, list[Contract]] = {}
    for term, value in cleaned.items():
        matches = [c for c in contracts if c.number == value]
        if not matches:
            matches = [c for c in contracts if c.siren and c.siren == value.replace(" ", "")]
        if not matches:
            matches = [c for c in contracts if c.name_upper == value.upper()]
        found[term] = matches
    return found


def _with_scans(items):
    return items.annotate(
        has_content=Exists(MailScan.objects.filter(item=OuterRef("pk"), side=MailScan.Side.CONTENT))
    )


def queue_counts(organization) -> dict[str, int]:
    """How many items wait in each of the provider's queues."""
    counts = dict(
        MailItem.objects.for_organization(organization)
        .filter(status__in=[status for status, _ in QUEUES.values()])
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {slug: counts.get(status, 0) for slug, (status, _) in QUEUES.items()}


def queue_items(organization, status: str):
    """One queue, the oldest first, with the contract and its mailbox."""
    return (
        MailItem.objects.for_organization(organization)
        .filter(status=status)
        .select_related("contract__mailbox")
        .order_by("received_on", "pk")
    )


def recent_items(organization, *, limit: int = 20):
    return list(
        MailItem.objects.for_organization(organization)
        .select_related("contract")
        .order_by("-pk")[:limit]  # the order they were recorded in, on the primary key
    )


def company_items(user, *, query: str = "", contract=None):
    """The company's mail, unread first, then the newest."""
    items = MailItem.objects.of_company(user).select_related("contract__mailbox")
    if contract is not None:
        items = items.filter(contract=contract)
    if query:
        items = items.filter(
            Q(sender__icontains=query)
            | Q(addressee__icontains=query)
            | Q(tracking_number__icontains=query)
        )
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return _with_scans(items).annotate(unread=unread).order_by("-unread", "-received_on", "-pk")


def company_contracts(user):
    return list(
        Contract.objects.of_company(user)
        .select_related("mailbox", "provider")
        .order_by("-starts_on")
    )


def unread_count(user) -> int:
    return MailItem.objects.of_company(user).filter(read_at__isnull=True).count()


def item_scans(item) -> dict[str, MailScan]:
    return {scan.side: scan for scan in item.scans.all()}


def uncollected_warnings(organization, today):
    """The provider's mailboxes whose company has not taken its mail for 2½ months, with
    waiting mail: the date the greffe is due to be told."""
    limit = today - timedelta(days=UNCOLLECTED_WARNING_DAYS)
    return list(
        Mailbox.objects.filter(contract__provider__organization=organization)
        .filter(
            Q(last_retrieval_on__lte=limit)
            | Q(last_retrieval_on__isnull=True, contract__starts_on__lte=limit)
        )
        .filter(
            Exists(
                MailItem.objects.filter(contract=OuterRef("contract"), status__in=WAITING_STATUSES)
            )
        )
        .select_related("contract")
        .order_by("last_retrieval_on", "contract__starts_on")[:50]
    )
