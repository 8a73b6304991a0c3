"""For the domiciliataire, a case's « Vigilance » tab: the risk assessments (admins and
agents record them; acceptance waits for one) and, for the admins only, the restricted
« déclaration de soupçon » notes, each read logged."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.exceptions import DomainError
from common.views import show_error

from ..access import admin_required, member_required, provider_case_for
from ..forms.vigilance import AssessmentForm, SuspicionNoteForm
from ..services.vigilance import (
    suspicion_note_add,
    suspicion_notes_read,
    vigilance_assess,
)


def _page(request, case, *, form=None, status=200):
    assessments = list(case.assessments.select_related("assessed_by"))
    context = {
        "case": case,
        "client_file": case.client_file,
        "tab": "vigilance",
        "latest": assessments[0] if assessments else None,
        "earlier": assessments[1:],
        "form": form or AssessmentForm(),
        "is_admin": request.membership.role == "admin",
    }
    return render(request, "domiciliation/provider/case_vigilance.html", context, status=status)


@member_required
def case_vigilance(request, public_id):
    case = provider_case_for(request, public_id)
    if request.method != "POST":
        return _page(request, case)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            assessment = vigilance_assess(
                case=case, actor=request.user, comment=data.pop("comment"), **data
            )
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request,
                f"Évaluation enregistrée\u00a0: risque {assessment.get_level_display().lower()}.",
            )
            return redirect("domiciliation_provider:case_vigilance", case.public_id)
    return _page(request, case, form=form, status=400)


@admin_required
def case_suspicion(request, public_id):
    """The suspicion notes: reading them is logged (suspicion_notes_read)."""
    case = provider_case_for(request, public_id)
    notes = suspicion_notes_read(case=case, reader=request.user)
    context = {
        "case": case,
        "client_file": case.client_file,
        "tab": "vigilance",
        "notes": notes,
        "form": SuspicionNoteForm(),
    }
    return render(request, "domiciliation/provider/case_suspicion.html", context)


@require_POST
@admin_required
def case_suspicion_add(request, public_id):
    case = provider_case_for(request, public_id)
    form = SuspicionNoteForm(request.POST)
    if form.is_valid():
        try:
            suspicion_note_add(case=case, actor=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            show_error(error, request=request)
        else:
            messages.success(request, "Note enregistrée (accès restreint aux administrateurs).")
    else:
        messages.error(request, "Écrivez la note.")
    return redirect("domiciliation_provider:case_suspicion", case.public_id)
