"""The public directory, for everyone (no login): indexable region, département, search and
profile pages, and the visitor's « Ma sélection »."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from common.text import parse_count

from ..access import visible_provider
from ..forms.search import parse_filters
from ..models import Department, Provider, Region, Service
from ..selectors import (
    clean_query,
    department_counts,
    directory_search,
    has_own_clauses,
    listed_providers,
    provider_centres,
    region_departments,
    region_index,
    selected_providers,
)
from ..services import selection as services

PER_PAGE = 20
# Nobody pages this far through a search; a forged page number costs no more.
MAX_SEARCH_PAGE = 500
# The questionnaire of the domiciliation request (`domiciliation` app) starts here.
QUESTIONNAIRE_PATH = "/domiciliation/demande/"


@login_not_required
@require_GET
def directory_home(request):
    """The regions; a service chosen by a guide (?service=mail_scan) is carried to each
    region's and département's list, where it filters."""
    filters = parse_filters(request.GET)
    labels = dict(Service.choices)
    return render(
        request,
        "directory/home.html",
        {
            "regions": region_index(),
            "query": "",
            "filter_query": urlencode([("service", s) for s in filters.services]),
            "filter_labels": [labels[s] for s in filters.services],
        },
    )


def _list_page(request, *, template: str, departments, context: dict):
    filters = parse_filters(request.GET)
    providers = listed_providers(departments=departments, filters=filters)
    paginator = Paginator(providers, PER_PAGE)
    if len(departments) == 1 and not filters:
        # The département's count the home shows, kept by the selector: no second count.
        paginator.count = department_counts().get(departments[0].pk, 0)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            **context,
            "page": page,
            "filters": filters,
            "services": Service.choices,
            "selected_services": filters.services,
        },
    )


@login_not_required
@require_GET
def region_detail(request, slug):
    region = get_object_or_404(Region, slug=slug)
    departments = region_departments(region)
    return _list_page(
        request,
        template="directory/region.html",
        departments=departments,
        context={"region": region, "departments": departments},
    )


@login_not_required
@require_GET
def department_detail(request, code):
    department = get_object_or_404(Department.objects.select_related("region"), code=code.upper())
    return _list_page(
        request,
        template="directory/department.html",
        departments=[department],
        context={"department": department, "region": department.region},
    )


@login_not_required
@require_GET
def search(request):
    query = request.GET.get("q", "")
    key = clean_query(query)
    page = min(parse_count(request.GET.get("page")) or 1, MAX_SEARCH_PAGE)
    results = directory_search(key, page=page) if key else None
    return render(
        request,
        "directory/search.html",
        {"query": query[:100], "results": results, "searchable": key is not None},
    )


@login_not_required
@require_GET
def provider_detail(request, slug):
    provider = visible_provider(request, slug)
    centres = provider_centres(provider)
    return render(
        request,
        "directory/provider.html",
        {
            "provider": provider,
            "centres": centres,
            "questionnaire_path": QUESTIONNAIRE_PATH,
            "in_selection": provider.slug in services.selection_slugs(request.session),
            "own_clauses": has_own_clauses(provider),
        },
    )


@login_not_required
@require_GET
def provider_logo(request, slug):
    provider = visible_provider(request, slug)
    if not provider.logo:
        raise Http404
    with provider.logo.open("rb") as logo:
        response = HttpResponse(logo.read(), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    # Only a listed profile's logo may sit in shared caches; a preview stays private.
    if provider.is_listed:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


# « Ma sélection »: kept in the session, names included, so the header needs no query.


def _back(request, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_not_required
@require_POST
def selection_add(request, slug):
    provider = get_object_or_404(Provider.objects.listed(), slug=slug)
    try:
        added = services.selection_add(session=request.session, provider=provider)
    except services.SelectionFull as full:
        # A warning, not an error: the visitor did nothing wrong.
        messages.warning(request, str(full))
    else:
        if added:
            messages.success(request, f"{provider} a été ajouté à votre sélection.")
        else:
            messages.info(request, f"{provider} est déjà dans votre sélection.")
    return _back(request, reverse("directory:provider", args=[provider.slug]))


@login_not_required
@require_POST
def selection_remove(request, slug):
    services.selection_remove(session=request.session, slug=slug)
    messages.success(request, "Le domiciliataire a été retiré de votre sélection.")
    return _back(request, reverse("directory:selection"))


@login_not_required
@require_GET
def selection(request):
    return render(
        request,
        "directory/selection.html",
        {
            "providers": selected_providers(services.selection_slugs(request.session)),
            "questionnaire_path": QUESTIONNAIRE_PATH,
        },
    )
