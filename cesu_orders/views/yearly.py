"""« Obligations annuelles », for the financeur's managers (primary and secondary): the
annual attestations of the year ended (sending them is for the primary manager only),
the bénéficiaires near or over the exemption ceiling, and the « Relevé des aides
versées » with the crédit d'impôt famille."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.exceptions import DomainError
from common.files import file_response
from common.text import parse_count
from common.views import show_error

from ..access import (
    attestation_for,
    funder_manager_required,
    is_primary_manager,
    primary_manager_required,
)
from ..exports import aid_statement_rows, csv_response
from ..models import Job
from ..selectors import yearly
from ..services.attestations import (
    AttestationRefused,
    attestations_generate,
    attestations_send,
    check_year_ended,
)
from ..services.statements import StatementRefused, aid_statement_start, check_statement_year

PER_PAGE = 50
ATTESTATION_JOBS = [Job.Kind.ATTESTATIONS, Job.Kind.ATTESTATIONS_SENDING]


def _year(request, default: int) -> int:
    return parse_count(request.GET.get("annee") or request.POST.get("annee"), max_digits=4) or (
        default
    )


# Annual attestations


@funder_manager_required
def attestations(request):
    """The year ended's figures per bénéficiaire, the generation's progress, the ZIP, the
    sending and the addresses that failed. A year not ended is refused."""
    organization = request.organization
    today = timezone.localdate()
    year = _year(request, today.year - 1)
    try:
        check_year_ended(year, today=today)
    except AttestationRefused as refused:
        show_error(refused, request=request)
        year = today.year - 1
    state = yearly.attestation_state(organization=organization, year=year)
    page = Paginator(state.rows, PER_PAGE).get_page(request.GET.get("page"))
    yearly.with_sent_dates(organization=organization, year=year, rows=page.object_list)
    context = {
        "year": year,
        "years": yearly.attestation_years(organization=organization, before=today.year),
        "state": state,
        "totals": state.totals,
        "page": page,
        "running": yearly.job_running(organization=organization, kinds=ATTESTATION_JOBS),
        "generation": yearly.job_latest(
            organization=organization, kind=Job.Kind.ATTESTATIONS, year=year
        ),
        "failures": yearly.attestation_failures(organization=organization, year=year),
        "pending_orders": yearly.orders_not_granted_yet(organization=organization, year=year),
        "may_send": is_primary_manager(request),
    }
    return render(request, "cesu_orders/attestations.html", context)


def _back_to_attestations(year: int):
    return redirect(f"{reverse('cesu_orders:attestations')}?annee={year}")


@require_POST
@funder_manager_required
def attestations_generate_view(request):
    year = _year(request, timezone.localdate().year - 1)
    try:
        job = attestations_generate(organization=request.organization, user=request.user, year=year)
    except DomainError as refused:
        show_error(refused, request=request)
    else:
        messages.success(
            request,
            f"La génération de {job.total} attestation(s) {year} est lancée\u00a0: suivez son "
            "avancement ci-dessous.",
        )
    return _back_to_attestations(year)


@require_POST
@primary_manager_required
def attestations_send_view(request):
    """Primary manager only: a secondary manager gets a 403."""
    year = _year(request, timezone.localdate().year - 1)
    try:
        job = attestations_send(organization=request.organization, user=request.user, year=year)
    except DomainError as refused:
        show_error(refused, request=request)
    else:
        messages.success(
            request,
            f"L’envoi de {job.total} attestation(s) {year} est lancé\u00a0: chaque bénéficiaire "
            "reçoit la sienne une seule fois.",
        )
    return _back_to_attestations(year)


@funder_manager_required
def attestation_download(request, public_id):
    attestation = attestation_for(request, public_id)
    return file_response(attestation.pdf, filename=attestation.file_name)


# The exemption ceiling


@funder_manager_required
def ceiling_list(request):
    """The bénéficiaires whose employer share ordered this year is near the exemption
    ceiling (90 %) or above it."""
    organization = request.organization
    today = timezone.localdate()
    year = _year(request, today.year)
    if year > today.year + 1:
        year = today.year
    context = {
        "year": year,
        "years": sorted({today.year + 1, today.year, today.year - 1, today.year - 2}, reverse=True),
        "ceiling": yearly.ceiling_of(year),
        "rows": yearly.beneficiaries_near_ceiling(organization=organization, year=year),
    }
    return render(request, "cesu_orders/ceiling_list.html", context)


# The aid statement


def _statement_year(request, today):
    year = _year(request, today.year - 1)
    try:
        check_statement_year(year, today=today)
    except StatementRefused as refused:
        show_error(refused, request=request)
        year = today.year - 1
    return year


@funder_manager_required
def aid_statement(request):
    organization = request.organization
    today = timezone.localdate()
    year = _statement_year(request, today)
    context = {
        "year": year,
        "years": yearly.attestation_years(organization=organization, before=today.year + 1),
        "statement": yearly.aid_statement(organization=organization, year=year, today=today),
        "job": yearly.job_latest(organization=organization, kind=Job.Kind.AID_STATEMENT, year=year),
    }
    return render(request, "cesu_orders/aid_statement.html", context)


@funder_manager_required
def aid_statement_csv(request):
    today = timezone.localdate()
    year = _statement_year(request, today)
    statement = yearly.aid_statement(organization=request.organization, year=year, today=today)
    return csv_response(aid_statement_rows(statement), filename=f"releve-aides-cesu-{year}.csv")


@require_POST
@funder_manager_required
def aid_statement_pdf(request):
    year = _year(request, timezone.localdate().year - 1)
    try:
        aid_statement_start(organization=request.organization, user=request.user, year=year)
    except DomainError as refused:
        show_error(refused, request=request)
    else:
        messages.success(request, f"Le relevé des aides {year} est en préparation.")
    return redirect(f"{reverse('cesu_orders:aid_statement')}?annee={year}")
