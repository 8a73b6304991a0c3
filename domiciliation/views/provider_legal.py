"""For the domiciliataire's admins, at /domiciliataire/declarations/: the lists owed to
the tax office (SIE) and URSSAF each quarter and each 1 January (R123-168), each as a
PDF letter and a CSV, and the record of their sending."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.exceptions import DomainError
from common.views import show_error

from ..access import admin_required
from ..declarations import Period, parse_period
from ..exports import csv_response, declaration_csv_rows
from ..forms.legal import DeclarationSentForm
from ..legal_selectors import declaration_of, declaration_periods, declaration_rows, sent_rows
from ..services.declarations import (
    declaration_pdf,
    declaration_period_check,
    declaration_record_sent,
)

ROWS_PER_PAGE = 100


@admin_required
def declaration_list(request):
    """« Déclarations »: every period since the first contract, newest first."""
    today = timezone.localdate()
    summaries = declaration_periods(request.organization, today=today)
    return render(
        request,
        "domiciliation/provider/declaration_list.html",
        {"summaries": summaries, "overdue": [s for s in summaries if s.is_overdue]},
    )


def _period_or_refusal(request, code: str) -> Period | None:
    """The period the URL names; an unknown one is a 404, a future one a message."""
    period = parse_period(code)
    if period is None:
        raise Http404
    try:
        return declaration_period_check(period, today=timezone.localdate())
    except DomainError as error:
        show_error(error, request=request)
        return None


def _rows(request, period):
    declaration = declaration_of(request.organization, period)
    if declaration is not None and declaration.is_sent:
        return declaration, sent_rows(declaration)
    return declaration, declaration_rows(request.organization, period)


def _detail(request, period, *, form=None, status=200):
    declaration, rows = _rows(request, period)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "period": period,
        "declaration": declaration,
        "page": page,
        "count": len(rows),
        "is_overdue": period.is_overdue(timezone.localdate()),
        "form": form or DeclarationSentForm(initial={"sent_on": timezone.localdate()}),
    }
    return render(request, "domiciliation/provider/declaration_detail.html", context, status=status)


@admin_required
def declaration_detail(request, period):
    period = _period_or_refusal(request, period)
    if period is None:
        return redirect("domiciliation_provider:declarations")
    return _detail(request, period)


@admin_required
def declaration_pdf_view(request, period):
    period = _period_or_refusal(request, period)
    if period is None:
        return redirect("domiciliation_provider:declarations")
    declaration, rows = _rows(request, period)
    pdf = declaration_pdf(
        organization=request.organization, period=period, rows=rows, declaration=declaration
    )
    return _download(pdf, "application/pdf", f"declaration-{period.code}.pdf")


@admin_required
def declaration_csv(request, period):
    period = _period_or_refusal(request, period)
    if period is None:
        return redirect("domiciliation_provider:declarations")
    _, rows = _rows(request, period)
    return csv_response(
        declaration_csv_rows(period, rows), filename=f"declaration-{period.code}.csv"
    )


def _download(content: bytes, content_type: str, filename: str):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@admin_required
def declaration_sent(request, period):
    period = _period_or_refusal(request, period)
    if period is None:
        return redirect("domiciliation_provider:declarations")
    form = DeclarationSentForm(request.POST)
    if form.is_valid():
        try:
            declaration_record_sent(
                organization=request.organization,
                period=period,
                actor=request.user,
                **form.cleaned_data,
            )
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, f"{period.label} : envoi enregistré.")
            return redirect("domiciliation_provider:declaration_detail", period.code)
    return _detail(request, period, form=form, status=400)
