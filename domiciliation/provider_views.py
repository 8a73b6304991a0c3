"""The domiciliataire's side at /domiciliataire/: the dashboard, the case list with the
S1 queue, each case's pages (« Infos du dossier client domicilié », « Justificatifs »,
« Contrat »), the contract clauses and the team."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organization, User
from accounts.tenancy import get_for_organization_or_404, organization_required
from directory.models import Provider

from .documents import contract_context, contract_pdf
from .instruction_forms import (
    AgentInviteForm,
    CaseFilterForm,
    ContractTemplateForm,
    DismissForm,
    OfferForm,
    PhoneForm,
    ProofReviewForm,
    TransferForm,
)
from .models import Case, CaseDocument, CaseStatus, ContractTemplate, Invoice, Payment, Signature
from .selectors import (
    case_reviews,
    cases_with_details,
    provider_case_counts,
    provider_cases,
    provider_key_figures,
)
from .services.cases import CaseRefused, recorded_refusal
from .services.deadlines import case_reactivate
from .services.instruction import (
    StaleReview,
    case_accept,
    case_dismiss,
    case_review_proofs,
    case_set_offer,
    missing_for_acceptance,
)
from .services.payments import payment_record_transfer, payment_refund
from .services.team import TeamError, agent_deactivate, agent_invite, agent_reactivate

PER_PAGE = 50
ROLES = [Membership.Role.ADMIN, Membership.Role.AGENT]
member_required = organization_required(kind=Organization.Kind.PROVIDER, roles=ROLES)
admin_required = organization_required(
    kind=Organization.Kind.PROVIDER, roles=[Membership.Role.ADMIN]
)


@member_required
def dashboard(request):
    context = {
        "figures": provider_key_figures(request.organization),
        "status_counts": provider_case_counts(request.organization),
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
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "status": status,
        "status_counts": provider_case_counts(request.organization),
    }
    return render(request, "domiciliation/provider/case_list.html", context)


def _case(request, public_id) -> Case:
    return get_for_organization_or_404(
        cases_with_details(), request.organization, public_id=public_id
    )


def _render_case(request, case, tab, context, status=200):
    return render(
        request,
        f"domiciliation/provider/case_{tab}.html",
        {"case": case, "client_file": case.client_file, "tab": tab, **context},
        status=status,
    )


@member_required
def case_detail(request, public_id):
    """« Infos du dossier client domicilié »: what the company declared and the timeline.
    The other domiciliataires the file was sent to are never shown."""
    case = _case(request, public_id)
    events = case.events.select_related("actor")
    return _render_case(request, case, "detail", {"events": events})


@member_required
def case_proofs(request, public_id):
    """« Justificatifs »: each proof with a preview and its state; « Mettre à jour » saves
    every state at once and sends the company one recap e-mail."""
    case = _case(request, public_id)
    form = ProofReviewForm(request.POST or None, reviews=case_reviews(case))
    if request.method == "POST" and form.is_valid():
        try:
            case_review_proofs(case=case, decisions=form.decisions(), actor=request.user)
        except StaleReview as error:
            messages.error(request, str(error))
            return redirect("domiciliation_provider:case_proofs", case.public_id)
        except CaseRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Les états sont enregistrés et un e-mail récapitulatif est envoyé au client.",
            )
            return redirect("domiciliation_provider:case_proofs", case.public_id)
    status = 400 if request.method == "POST" else 200
    return _render_case(request, case, "proofs", {"form": form}, status=status)


@member_required
def case_contract(request, public_id):
    """« Contrat »: the offer, the contract as it will be signed, and the two decisions."""
    case = _case(request, public_id)
    offer_form = OfferForm(request.POST or None, instance=case)
    if request.method == "POST" and offer_form.is_valid():
        try:
            case_set_offer(
                case=case,
                actor=request.user,
                **{name: offer_form.cleaned_data[name] for name in OfferForm.Meta.fields},
            )
        except CaseRefused as error:
            offer_form.add_error(None, str(error))
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
        "missing": missing_for_acceptance(case) if case.status == CaseStatus.S1 else [],
    }
    return _render_case(request, case, "contract", context, status=status)


@member_required
def case_contract_pdf(request, public_id):
    case = _case(request, public_id)
    pdf = contract_pdf(case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="contrat-{case.public_id}.pdf"'
    return response


@require_POST
@member_required
def case_accept_view(request, public_id):
    case = _case(request, public_id)
    try:
        case_accept(case=case, actor=request.user)
    except CaseRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "Le dossier est accepté. Le client a 7 jours pour effectuer le premier paiement.",
        )
    return redirect("domiciliation_provider:case_contract", case.public_id)


@require_POST
@member_required
def case_dismiss_view(request, public_id):
    case = _case(request, public_id)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            case_dismiss(case=case, reason=form.cleaned_data["reason"], actor=request.user)
        except CaseRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, "Le dossier est classé sans suite et le client en est informé."
            )
            return redirect("domiciliation_provider:case_contract", case.public_id)
    return _contract_page(request, case, OfferForm(instance=case), form, status=400)


def _payment_page(request, case, transfer_form, *, status=200):
    documents = {document.kind: document for document in case.documents.all()}
    signatures = {
        signature.party: signature for signature in case.signatures.select_related("signer")
    }
    context = {
        "payments": case.payments.select_related("recorded_by"),
        "invoice": Invoice.objects.filter(case=case).first(),
        "signatures": [signatures.get(party) for party in Signature.Party],
        "provider_signature": signatures.get(Signature.Party.PROVIDER),
        # Once signed, the sealed contract supersedes the one that was to sign.
        "documents": [
            documents[kind]
            for kind in CaseDocument.Kind
            if kind in documents
            and not (kind == CaseDocument.Kind.CONTRACT and case.status == CaseStatus.SIGNED)
        ],
        "transfer_form": transfer_form,
        "is_admin": request.membership.role == Membership.Role.ADMIN,
    }
    return _render_case(request, case, "payment", context, status=status)


@member_required
def case_payment(request, public_id):
    """« Paiement et signature »: payments, the invoice, the signatures and the documents;
    a transfer to record, an expired case to reactivate, a late payment to refund."""
    case = _case(request, public_id)
    return _payment_page(request, case, TransferForm())


@require_POST
@member_required
def case_transfer(request, public_id):
    case = _case(request, public_id)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            with recorded_refusal(case, actor=request.user, attempt="Virement"):
                payment_record_transfer(case=case, actor=request.user, **form.cleaned_data)
        except CaseRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Le virement est enregistré.")
            return redirect("domiciliation_provider:case_payment", case.public_id)
    case.refresh_from_db()
    return _payment_page(request, case, form, status=400)


@require_POST
@member_required
def case_reactivate_view(request, public_id):
    case = _case(request, public_id)
    try:
        case_reactivate(case=case, actor=request.user)
    except CaseRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "Le dossier est réactivé\u00a0: le client a de nouveau 7\u00a0jours pour payer.",
        )
    return redirect("domiciliation_provider:case_payment", case.public_id)


@require_POST
@admin_required
def payment_refund_view(request, public_id, payment_id):
    case = _case(request, public_id)
    payment = get_object_or_404(Payment, case=case, public_id=payment_id)
    try:
        with recorded_refusal(case, actor=request.user, attempt="Remboursement"):
            payment_refund(payment=payment, actor=request.user)
    except CaseRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Le paiement est remboursé et le client en est informé.")
    return redirect("domiciliation_provider:case_payment", case.public_id)


@admin_required
def contract_clauses(request):
    """The domiciliataire's own contract clauses, starting from the default ones."""
    provider = Provider.objects.filter(organization=request.organization).first()
    if provider is None:
        messages.error(request, "Enregistrez d’abord votre fiche de domiciliataire.")
        return redirect("directory_provider:profile")
    own = ContractTemplate.objects.filter(provider=provider).first()
    default = ContractTemplate.objects.filter(provider__isnull=True).order_by("pk").first()
    instance = own or ContractTemplate(
        provider=provider, clauses=default.clauses if default else ""
    )
    form = ContractTemplateForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            ContractTemplate.objects.filter(provider=provider).delete()
            messages.success(request, "Vos contrats reprennent les clauses par défaut.")
            return redirect("domiciliation_provider:contract_clauses")
        if form.is_valid():
            form.save()
            messages.success(request, "Vos clauses sont enregistrées pour les prochains contrats.")
            return redirect("domiciliation_provider:contract_clauses")
    return render(
        request,
        "domiciliation/provider/contract_clauses.html",
        {"form": form, "customised": own is not None},
        status=400 if request.method == "POST" else 200,
    )


@admin_required
def team(request):
    """The team: admins and agents; an admin invites an agent by e-mail."""
    form = AgentInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = agent_invite(
                organization=request.organization, by=request.user, **form.cleaned_data
            )
        except TeamError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"Une invitation est envoyée à {user.email}.")
            return redirect("domiciliation_provider:team")
    return _team_page(
        request, form, PhoneForm(user=request.user, initial={"phone": request.user.phone})
    )


def _team_page(request, form, phone_form):
    members = (
        Membership.objects.filter(organization=request.organization)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )
    return render(
        request,
        "domiciliation/provider/team.html",
        {"form": form, "phone_form": phone_form, "members": members},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@admin_required
def own_phone(request):
    """The admin's mobile, where the codes to sign contracts are sent."""
    form = PhoneForm(request.POST, user=request.user)
    if form.is_valid():
        request.user.phone = form.cleaned_data["phone"]  # password checked by the form
        request.user.save(update_fields=["phone"])
        messages.success(request, "Votre téléphone mobile est enregistré.")
        return redirect("domiciliation_provider:team")
    return _team_page(request, AgentInviteForm(), form)


def _team_member(request, public_id) -> User:
    return get_object_or_404(
        User, public_id=public_id, memberships__organization=request.organization
    )


def _agent_access(request, public_id, service, done: str):
    user = _team_member(request, public_id)
    try:
        service(organization=request.organization, user=user, by=request.user)
    except TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"L’accès de {user.get_full_name()} est {done}.")
    return redirect("domiciliation_provider:team")


@require_POST
@admin_required
def agent_deactivate_view(request, public_id):
    return _agent_access(request, public_id, agent_deactivate, "désactivé")


@require_POST
@admin_required
def agent_reactivate_view(request, public_id):
    return _agent_access(request, public_id, agent_reactivate, "réactivé")
