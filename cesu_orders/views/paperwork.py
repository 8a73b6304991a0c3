"""The financeur's paperwork, for its managers (primary and secondary): the accountant's
export of invoices and credit notes, quotes of the cart (« Télécharger un devis »), and
the progress and file of any slow work they asked for."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.exceptions import DomainError
from common.files import file_response
from common.text import parse_count
from common.views import show_error

from ..access import funder_manager_required, job_for, quote_for
from ..exports import csv_response, invoice_export_rows
from ..forms.paperwork import PeriodForm
from ..models import Job
from ..selectors.accounting import invoices_of_period
from ..selectors.yearly import job_latest
from ..services.accounting import check_period, invoices_zip_start
from ..services.quotes import quote_create

NBSP = "\u00a0"


# The accountant's export


def _period(request, data) -> tuple[PeriodForm, tuple[date, date] | None]:
    """The period form and, when valid by its fields and the period rules, the period."""
    today = timezone.localdate()
    form = PeriodForm(data or None, initial={"du": date(today.year, 1, 1), "au": today})
    if not data or not form.is_valid():
        return form, None
    period = form.cleaned_data["du"], form.cleaned_data["au"]
    try:
        check_period(*period)
    except DomainError as refused:
        show_error(refused, form=form)
        return form, None
    return form, period


@funder_manager_required
def accounting_export(request):
    """A period's invoices and credit notes, with the CSV and the ZIP of their PDFs."""
    form, period = _period(request, request.GET)
    invoices = []
    if period:
        invoices = list(
            invoices_of_period(
                organization=request.organization, date_from=period[0], date_to=period[1]
            )
        )
    context = {
        "form": form,
        "period": period,
        "invoices": invoices,
        "query": request.GET.urlencode(),
        "job": job_latest(organization=request.organization, kind=Job.Kind.INVOICES_ZIP),
    }
    return render(
        request,
        "cesu_orders/accounting_export.html",
        context,
        status=400 if form.errors else 200,
    )


@funder_manager_required
def accounting_export_csv(request):
    form, period = _period(request, request.GET)
    if period is None:
        return accounting_export(request)
    invoices = invoices_of_period(
        organization=request.organization, date_from=period[0], date_to=period[1]
    )
    filename = f"factures-cesu-{period[0]:%Y%m%d}-{period[1]:%Y%m%d}.csv"
    return csv_response(invoice_export_rows(invoices), filename=filename)


@require_POST
@funder_manager_required
def accounting_export_zip(request):
    form, period = _period(request, request.POST)
    if period is None:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("cesu_orders:accounting_export")
    try:
        invoices_zip_start(
            organization=request.organization,
            user=request.user,
            date_from=period[0],
            date_to=period[1],
        )
    except DomainError as refused:
        show_error(refused, request=request)
    else:
        messages.success(request, "L’archive des factures et avoirs est en préparation.")
    query = f"du={period[0].isoformat()}&au={period[1].isoformat()}"
    return redirect(f"{reverse('cesu_orders:accounting_export')}?{query}")


# Slow work: progress and file


@funder_manager_required
def job_status(request, public_id):
    """The job's progress: a fragment that htmx polls (it asks the page to reload once
    the job is done), or a page that refreshes itself without JavaScript."""
    job = job_for(request, public_id)
    if request.htmx:
        response = render(request, "cesu_orders/includes/job_progress.html", {"job": job})
        if not job.is_running:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "cesu_orders/job.html", {"job": job})


@funder_manager_required
def job_download(request, public_id):
    job = job_for(request, public_id)
    if not job.succeeded or not job.file:
        return redirect("cesu_orders:job_status", public_id=job.public_id)
    return file_response(job.file, filename=_job_file_name(job))


def _job_file_name(job: Job) -> str:
    if job.kind == Job.Kind.ATTESTATIONS:
        return f"attestations-cesu-{job.year}.zip"
    if job.kind == Job.Kind.AID_STATEMENT:
        return f"releve-aides-cesu-{job.year}.pdf"
    return f"factures-cesu-{job.date_from:%Y%m%d}-{job.date_to:%Y%m%d}.zip"


# Quotes


@require_POST
@funder_manager_required
def quote_create_view(request):
    """« Télécharger un devis » on the recap, for the cart version and millésime shown."""
    try:
        quote = quote_create(
            organization=request.organization,
            user=request.user,
            version=parse_count(request.POST.get("cart_version")) or -1,
            vintage_year=parse_count(request.POST.get("vintage_year"), max_digits=4),
        )
    except DomainError as refused:  # CartChanged included: the recap shows the cart now.
        show_error(refused, request=request)
        return redirect("cesu_orders:order_recap")
    return redirect("cesu_orders:quote_detail", public_id=quote.public_id)


@funder_manager_required
def quote_detail(request, public_id):
    quote = quote_for(request, public_id)
    return render(request, "cesu_orders/quote.html", {"quote": quote})


@funder_manager_required
def quote_download(request, public_id):
    quote = quote_for(request, public_id)
    if not quote.pdf:
        return redirect("cesu_orders:quote_detail", public_id=quote.public_id)
    return file_response(quote.pdf, filename=f"devis-{quote.number}.pdf")
