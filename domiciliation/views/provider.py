"""For the domiciliataire's admins and agents, at /domiciliataire/: the dashboard, the case
list with the S1 queue, each case's instruction pages (« Infos du dossier client
domicilié », « Justificatifs », « Contrat ») with « Accepter le dossier » and « Classer
sans suite », and the contract clauses (admins)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Membership
from common.exceptions import DomainError
from common.formats import french_datetime
from common.views import show_error

from ..access import admin_required, member_required, provider_case_for
from ..forms.instruction import (
    CaseFilterForm,
    ContractTemplateForm,
    DismissForm,
    OfferForm,
    ProofReviewForm,
)
from ..legal_selectors import declarations_overdue
from ..models import CaseStatus
from ..selectors import (
    case_reviews,
    contract_clauses_of,
    provider_case_counts,
    provider_cases,
    provider_key_figures,
    provider_of,
)
from ..services.documents import contract_context, contract_pdf
from ..services.instruction import (
    StaleReview,
    case_accept,
    case_dismiss,
    case_review_proofs,
    case_set_offer,
    contract_clauses_reset,
    contract_clauses_save,
    missing_for_acceptance,
    payment_deadline,
)

PER_PAGE = 50
# One page per tab of a case; literal names, so that grep finds them.
CASE_TEMPLATES = {
    "detail": "domiciliation/provider/case_detail.html",
    "proofs": "domiciliation/provider/case_proofs.html",
    "contract": "domiciliation/provider/case_contract.html",
    "payment": "domiciliation/provider/case_payment.html",
}


def render_case(request, case, tab, context, status=200):
    """One tab of a case's pages, with what every tab shows."""
    return render(
        request,
        CASE_TEMPLATES[tab],
        {
            "case": case,
            # What the case is decided on: the file as sent, with the company's
            # corrections while the case is in S1, frozen afterwards.
            "client_file": case.declared,
            "tab": tab,
            # « jusqu’au 11 décembre 2026 à 23 h 59 » for a decision taken now.
            "payment_due_if_now": payment_deadline(timezone.now()),
            **context,
        },
        status=status,
    )


@member_required
def dashboard(request):
    is_admin = request.membership.role == Membership.Role.ADMIN
    context = {
        "figures": provider_key_figures(request.organization),
        "status_counts": provider_case_counts(request.organization),
        # The lists owed to the SIE and URSSAF not sent after their deadline (admins).
        "declarations_overdue": (
            declarations_overdue(request.organization, today=timezone.localdate())
            if is_admin
            else []
        ),
    }
    return render(request, "domiciliation/provider/dashboard.html", context)


@member_required
def case_list(request):
    """All the domiciliataire's cases; « S1 » is the queue of cases not yet examined."""
    form = CaseFilterForm(request.GET or None)
    status = query = ""
    if form.is_valid():
        status, query = form.cleaned_data["statut"], form.cleaned_data["q"]
    cases = provider_cases(request.organization, status=status, query=query)
    status_counts = provider_case_counts(request.organization)
    paginator = Paginator(cases, PER_PAGE)
    if not query:  # The counts the tabs show, kept by the selector: no second count.
        paginator.count = sum(n for code, _, n in status_counts if code == status or not status)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "status": status,
        "is_queue": status == CaseStatus.S1,
        "status_counts": status_counts,
    }
    return render(request, "domiciliation/provider/case_list.html", context)


@member_required
def case_detail(request, public_id):
    """« Infos du dossier client domicilié »: what the company declared and the timeline.
    The other domiciliataires the file was sent to are never shown."""
    case = provider_case_for(request, public_id)
    events = case.events.select_related("actor")
    return render_case(request, case, "detail", {"events": events})


@member_required
def case_proofs(request, public_id):
    """« Justificatifs »: each proof with a preview and its state; « Mettre à jour » saves
    every state at once and sends the company one recap e-mail."""
    case = provider_case_for(request, public_id)
    form = ProofReviewForm(request.POST or None, reviews=case_reviews(case))
    if request.method == "POST" and form.is_valid():
        try:
            case_review_proofs(case=case, decisions=form.decisions(), actor=request.user)
        except StaleReview as error:
            show_error(error, request=request)
            return redirect("domiciliation_provider:case_proofs", case.public_id)
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request,
                "Les états sont enregistrés et un e-mail récapitulatif est envoyé au client.",
            )
            return redirect("domiciliation_provider:case_proofs", case.public_id)
    status = 400 if request.method == "POST" else 200
    return render_case(request, case, "proofs", {"form": form}, status=status)


@member_required
def case_contract(request, public_id):
    """« Contrat »: the offer, the contract as it will be signed, and the two decisions."""
    case = provider_case_for(request, public_id)
    offer_form = OfferForm(request.POST or None, instance=case)
    if request.method == "POST" and offer_form.is_valid():
        try:
            case_set_offer(
                case=case,
                actor=request.user,
                **{name: offer_form.cleaned_data[name] for name in OfferForm.Meta.fields},
            )
        except DomainError as error:
            show_error(error, form=offer_form)
        else:
            messages.success(request, "L’offre est enregistrée dans le contrat.")
            return redirect("domiciliation_provider:case_contract", case.public_id)
        case.refresh_from_db()
    status = 400 if request.method == "POST" else 200
    return _contract_page(request, case, offer_form, DismissForm(), status=status)


def _contract_page(request, case, offer_form, dismiss_form, *, status):
    context = {
        **contract_context(case),
        "offer_form": offer_form,
        "dismiss_form": dismiss_form,
        "missing": missing_for_acceptance(case) if case.is_awaiting_decision else [],
    }
    return render_case(request, case, "contract", context, status=status)


@member_required
def case_contract_pdf(request, public_id):
    case = provider_case_for(request, public_id)
    pdf = contract_pdf(case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="contrat-{case.public_id}.pdf"'
    return response


@require_POST
@member_required
def case_accept_view(request, public_id):
    case = provider_case_for(request, public_id)
    try:
        case = case_accept(case=case, actor=request.user)
    except DomainError as error:
        show_error(error, request=request)
    else:
        messages.success(
            request,
            "Le dossier est accepté. Le client a jusqu’au "
            f"{french_datetime(case.payment_due_at)} pour effectuer le premier paiement.",
        )
    return redirect("domiciliation_provider:case_contract", case.public_id)


@require_POST
@member_required
def case_dismiss_view(request, public_id):
    case = provider_case_for(request, public_id)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            case_dismiss(case=case, reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as error:
            show_error(error, request=request)
        else:
            messages.success(
                request, "Le dossier est classé sans suite et le client en est informé."
            )
            return redirect("domiciliation_provider:case_contract", case.public_id)
    return _contract_page(request, case, OfferForm(instance=case), form, status=400)


@admin_required
def contract_clauses(request):
    """The domiciliataire's own contract clauses, starting from the default ones."""
    provider = provider_of(request.organization)
    if provider is None:
        messages.error(request, "Enregistrez d’abord votre fiche de domiciliataire.")
        return redirect("directory_provider:profile")
    clauses, customised = contract_clauses_of(provider)
    form = ContractTemplateForm(request.POST or None, initial={"clauses": clauses})
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            contract_clauses_reset(provider=provider)
            messages.success(request, "Vos contrats reprennent les clauses par défaut.")
            return redirect("domiciliation_provider:contract_clauses")
        if form.is_valid():
            contract_clauses_save(provider=provider, clauses=form.cleaned_data["clauses"])
            messages.success(request, "Vos clauses sont enregistrées pour les prochains contrats.")
            return redirect("domiciliation_provider:contract_clauses")
    return render(
        request,
        "domiciliation/provider/contract_clauses.html",
        {"form": form, "customised": customised},
        status=400 if request.method == "POST" else 200,
    )
