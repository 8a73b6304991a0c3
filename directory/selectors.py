"""The directory's reads, each in a constant number of queries."""

from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from common.text import fold, search_key

from .models import Department, Provider, ProviderCentre, Region, Service

MAX_QUERY_LENGTH = 100
MAX_SEARCH_RESULTS = 200


def department_counts() -> dict[int, int]:
    """Listed providers per département, in one aggregate query."""
    rows = (
        ProviderCentre.objects.filter(provider__is_listed=True)
        .values("department_id")
        .annotate(count=Count("provider_id", distinct=True))
    )
    return {row["department_id"]: row["count"] for row in rows}


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


def directory_search(key: str) -> "OrderedDict[Department, list[ProviderCentre]]":
    """The centres of listed providers matching `key` (normalised) by city, postcode,
    département or provider name, grouped by département, in one query."""
    match = (
        Q(search_city__contains=key)
        | Q(provider__search_name__contains=key)
        | Q(department__search_name__contains=key)
        | Q(department__code__iexact=key)
    )
    if key.isdigit():
        match |= Q(postcode__startswith=key)
    centres = (
        ProviderCentre.objects.filter(match, provider__is_listed=True)
        .select_related("provider", "department")
        .order_by("department__sort_key", "provider__search_name", "postcode")[:MAX_SEARCH_RESULTS]
    )
    grouped: OrderedDict = OrderedDict()
    for centre in centres:
        grouped.setdefault(centre.department, []).append(centre)
    return grouped


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
