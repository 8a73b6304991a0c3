"""The directory's reads, each in a constant number of queries."""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q

from common.text import fold, search_key

from .models import Department, Provider, ProviderCentre, Region, Service

MAX_QUERY_LENGTH = 100
SEARCH_PAGE_SIZE = 20
DEPARTMENT_COUNTS_KEY = "directory:department-counts"
# Without a shared cache (one per process), a count may lag a change by this long.
DEPARTMENT_COUNTS_KEPT = 300


def department_counts() -> dict[int, int]:
    """Listed providers per département. Counting them takes a distinct count over every
    centre (50,000 providers: a sort that spills to disk), so the counts are kept in the
    cache; the services that change them (a profile listed, a centre saved or removed)
    forget them on commit (`department_counts_forget`)."""
    counts = cache.get(DEPARTMENT_COUNTS_KEY)
    if counts is None:
        rows = (
            ProviderCentre.objects.filter(provider__is_listed=True)
            .values("department_id")
            .annotate(count=Count("provider_id", distinct=True))
            .order_by()
        )
        counts = {row["department_id"]: row["count"] for row in rows}
        cache.set(DEPARTMENT_COUNTS_KEY, counts, timeout=DEPARTMENT_COUNTS_KEPT)
    return counts


def department_counts_forget() -> None:
    cache.delete(DEPARTMENT_COUNTS_KEY)


def region_index() -> list[dict]:
    """Every region with its départements and their provider counts, in three queries."""
    counts = department_counts()
    departments = {}
    for department in Department.objects.order_by("sort_key"):
        department.provider_count = counts.get(department.pk, 0)
        departments.setdefault(department.region_id, []).append(department)
    regions = sorted(Region.objects.all(), key=lambda region: fold(region.name))
    return [{"region": region, "departments": departments.get(region.pk, [])} for region in regions]


def region_departments(region: Region) -> list[Department]:
    return list(region.departments.order_by("sort_key"))


@dataclass(frozen=True)
class ProviderFilters:
    services: list[str]
    max_price: Decimal | None

    def __bool__(self) -> bool:
        return bool(self.services) or self.max_price is not None


def listed_providers(*, departments, filters: ProviderFilters):
    """The listed providers with a centre in `departments`, by name, each with its
    centres there prefetched."""
    providers = Provider.objects.listed().filter(
        pk__in=ProviderCentre.objects.filter(department__in=departments).values("provider_id")
    )
    for service in filters.services:
        if service in Service.values:
            providers = providers.filter(**{service: True})
    if filters.max_price is not None:
        providers = providers.filter(price_from__lte=filters.max_price)
    centres = ProviderCentre.objects.filter(department__in=departments).select_related("department")
    return providers.order_by("search_name", "pk").prefetch_related(
        Prefetch("centres", queryset=centres, to_attr="local_centres")
    )


def clean_query(query: str) -> str | None:
    """The normalised query, or None when it cannot be searched (empty, over 100
    characters, or only symbols)."""
    if not query or len(query) > MAX_QUERY_LENGTH:
        return None
    key = search_key(query)
    return key or None


@dataclass(frozen=True)
class SearchResults:
    """One page of a search: its centres grouped by département, in order."""

    groups: "OrderedDict[Department, list[ProviderCentre]]" = field(default_factory=OrderedDict)
    number: int = 1
    has_next: bool = False

    def __bool__(self) -> bool:
        return bool(self.groups)


def directory_search(key: str, *, page: int = 1) -> SearchResults:
    """The centres of listed providers matching `key` (normalised) by city, postcode,
    département or provider name, by département then provider, `SEARCH_PAGE_SIZE` at a
    time (one more is read to know whether a next page exists; no count), in two queries.
    Each way of matching is its own indexed query (trigram indexes on PostgreSQL,
    migration 0003) and their union, sorted, the page's centres: one OR across three
    tables could only scan them all."""
    matches = [
        ProviderCentre.objects.filter(search_city__contains=key),
        ProviderCentre.objects.filter(provider__search_name__contains=key),
        ProviderCentre.objects.filter(
            Q(department__search_name__contains=key) | Q(department__code__iexact=key)
        ),
    ]
    if key.isdigit():
        matches.append(ProviderCentre.objects.filter(postcode__startswith=key))
    keys = [
        query.filter(provider__is_listed=True)
        .order_by()
        .values_list("pk", "department__sort_key", "provider__search_name", "postcode")
        for query in matches
    ]
    start = (page - 1) * SEARCH_PAGE_SIZE
    found = list(
        keys[0]
        .union(*keys[1:])
        .order_by("department__sort_key", "provider__search_name", "postcode", "pk")[
            start : start + SEARCH_PAGE_SIZE + 1
        ]
    )
    shown = ProviderCentre.objects.select_related("provider", "department").in_bulk(
        [row[0] for row in found[:SEARCH_PAGE_SIZE]]
    )
    centres = [shown[row[0]] for row in found[:SEARCH_PAGE_SIZE]]
    grouped: OrderedDict = OrderedDict()
    for centre in centres:
        grouped.setdefault(centre.department, []).append(centre)
    return SearchResults(groups=grouped, number=page, has_next=len(found) > SEARCH_PAGE_SIZE)


def provider_centres(provider: Provider) -> list[ProviderCentre]:
    """A profile's centres for its public page, by postcode, with their region."""
    return list(provider.centres.select_related("department__region").order_by("postcode"))


def profile_centres(provider: Provider):
    """A profile's centres for its own admins' page (none before the first save)."""
    if provider.pk is None:
        return []
    return provider.centres.select_related("department")


def selected_providers(slugs: list[str]) -> list[Provider]:
    """« Ma sélection »: the listed providers among `slugs`, in that order (a provider
    unlisted since it was added is left out)."""
    providers = {p.slug: p for p in Provider.objects.listed().filter(slug__in=slugs)}
    return [providers[slug] for slug in slugs if slug in providers]


def providers_offering(service: str, *, limit: int = 8) -> tuple[int, list[Provider]]:
    """(how many listed providers offer `service`, the first `limit` of them by name)."""
    providers = Provider.objects.listed().filter(**{service: True})
    return providers.count(), list(providers.order_by("search_name", "pk")[:limit])


def has_own_clauses(provider: Provider) -> bool:
    """Whether the provider's contracts use clauses of its own rather than the portal's
    standard contract: `domiciliation.ContractTemplate` rows point at a provider
    (reverse name `contract_template`), read here without importing the upper app."""
    return Provider.objects.filter(pk=provider.pk, contract_template__isnull=False).exists()
