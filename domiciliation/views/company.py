"""For the company (and the visitor who becomes one): the questionnaire, which a visitor
may start before having an account, the proofs, sending to several domiciliataires,
« Mes dossiers » and withdrawal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.selectors import email_verified
from common.exceptions import DomainError
from common.views import show_error
from directory.models import Provider, Service

from ..access import client_file_for, company_case_for, remember_draft
from ..forms.questionnaire import (
    BeneficialOwnerFormSet,
    CompanyForm,
    ProofUploadForm,
    RepresentativeForm,
    ServicesForm,
)
from ..models import ClientFile
from ..selectors import (
    active_proof_types,
    company_files,
    current_proofs,
    decided_providers,
    directory_selection,
    listed_providers,
    provider_centre,
    recipient_choices,
)
from ..services.requests import (
    MAX_RECIPIENTS,
    STEPS,
    beneficial_owners_replace,
    case_withdraw,
    client_file_save_step,
    client_file_send,
    client_file_start,
    missing_before_sending,
    proof_upload,
)

STEP_FORMS = {1: CompanyForm, 2: RepresentativeForm, 4: ServicesForm}
STEP_TEMPLATES = {
    1: "domiciliation/step_form.html",
    2: "domiciliation/step_form.html",
    3: "domiciliation/step_3.html",
    4: "domiciliation/step_form.html",
    5: "domiciliation/step_5.html",
    6: "domiciliation/step_6.html",
}
ACCOUNT_STEP = 5  # From here on the company needs an account.


@login_not_required
def start(request):
    """« Demander une offre »: the questionnaire's first step, with the provider (and
    centre), or the visitor's directory selection, preselected. The file is created by
    the first answers posted, never by a visit: a crawler or a curious visitor leaves no
    row behind."""
    provider = centre = None
    slug = request.GET.get("domiciliataire", "")
    if slug:
        provider = get_object_or_404(Provider.objects.listed(), slug=slug)
        centre = provider_centre(provider, request.GET.get("centre", ""))
    # Chosen in advance by the guides: « Créer son entreprise » (?situation=creation),
    # « Boîte postale virtuelle » (?option=mail_scan&option=forwarding).
    situation = request.GET.get("situation", "")
    services = [value for value in request.GET.getlist("option") if value in Service.values]
    draft = ClientFile(
        origin_provider=provider,
        origin_centre=centre,
        company_status=situation if situation in ClientFile.CompanyStatus.values else "",
        services=list(dict.fromkeys(services)),
    )
    form = CompanyForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        selection = directory_selection(request.session) if request.GET.get("selection") else []
        client_file = client_file_start(
            owner=_actor(request),
            provider=provider,
            centre=centre,
            selection=selection,
            services=draft.services,
        )
        client_file_save_step(
            client_file=client_file, step=1, fields=form.cleaned_data, actor=_actor(request)
        )
        remember_draft(request, client_file)
        client_file.refresh_from_db()
        return redirect(_step_url(client_file, _next_step(client_file, 1)))
    return _render_step(request, draft, 1, {"form": form})


def _step_url(client_file: ClientFile, step: int) -> str:
    return reverse("domiciliation:step", kwargs={"public_id": client_file.public_id, "step": step})


@login_not_required
def step(request, public_id, step):
    if step not in dict(STEPS):
        raise Http404
    client_file = client_file_for(request, public_id)
    if step >= ACCOUNT_STEP and not request.user.is_authenticated:
        messages.info(
            request,
            "Créez votre compte ou connectez-vous pour ajouter vos justificatifs\u00a0: "
            "vos réponses sont conservées.",
        )
        signup = reverse("account_signup")
        return redirect(f"{signup}?{urlencode({'next': _step_url(client_file, step)})}")
    if step == 3:
        return _owners_step(request, client_file)
    if step == 5:
        return _proofs_step(request, client_file)
    if step == 6:
        return _summary_step(request, client_file)
    form = STEP_FORMS[step](request.POST or None, instance=client_file)
    if request.method == "POST" and form.is_valid():
        try:
            client_file_save_step(
                client_file=client_file, step=step, fields=form.cleaned_data, actor=_actor(request)
            )
        except DomainError as error:
            show_error(error, request=request)
            return redirect("domiciliation:dashboard")
        return redirect(_step_url(client_file, _next_step(client_file, step)))
    return _render_step(request, client_file, step, {"form": form})


def _actor(request):
    return request.user if request.user.is_authenticated else None


def _next_step(client_file: ClientFile, step: int) -> int:
    if step == 2 and not client_file.needs_beneficial_owners:
        return 4
    return step + 1


def _render_step(request, client_file, step, context, status=200):
    return render(
        request,
        STEP_TEMPLATES[step],
        {
            "client_file": client_file,
            "steps": STEPS,
            "step": step,
            "step_title": dict(STEPS)[step],
            "previous_url": _step_url(client_file, step - 1) if step > 1 else None,
            "decided_by": decided_providers(client_file) if client_file.pk else [],
            **context,
        },
        status=status,
    )


def _owners_step(request, client_file):
    initial = list(client_file.beneficial_owners.values("first_name", "last_name", "share"))
    formset = BeneficialOwnerFormSet(request.POST or None, initial=initial or [{}], prefix="owners")
    if request.method == "POST" and formset.is_valid():
        try:
            beneficial_owners_replace(
                client_file=client_file, owners=formset.owners(), actor=_actor(request)
            )
        except DomainError as error:
            show_error(error, request=request)
            return redirect("domiciliation:dashboard")
        if "add_owner" in request.POST:
            return redirect(_step_url(client_file, 3) + "?ajouter=1")
        return redirect(_step_url(client_file, 4))
    if request.method == "GET" and request.GET.get("ajouter"):
        formset = BeneficialOwnerFormSet(initial=[*initial, {}], prefix="owners")
    return _render_step(request, client_file, 3, {"formset": formset})


def _proofs_step(request, client_file):
    proof_types = active_proof_types()
    proofs = current_proofs(client_file)
    forms = {}
    if request.method == "POST":
        proof_type = next(
            (t for t in proof_types if t.code == request.POST.get("proof_type")), None
        )
        if proof_type is None:
            raise Http404
        form = ProofUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                proof_upload(
                    client_file=client_file,
                    proof_type=proof_type,
                    upload=form.cleaned_data["file"],
                    kind=form.kind,
                    actor=request.user,
                )
                client_file_save_step(
                    client_file=client_file, step=5, fields={}, actor=request.user
                )
            except DomainError as error:
                show_error(error, request=request)
                return redirect("domiciliation:dashboard")
            messages.success(request, f"Justificatif «\u00a0{proof_type}\u00a0» enregistré.")
            return redirect(_step_url(client_file, 5))
        forms[proof_type.pk] = form
    rows = [
        {
            "type": proof_type,
            "required": proof_type.required_for(client_file),
            "proof": proofs.get(proof_type.pk),
            "form": forms.get(proof_type.pk) or ProofUploadForm(auto_id=f"id_{proof_type.code}_%s"),
        }
        for proof_type in proof_types
    ]
    status = 400 if forms else 200
    return _render_step(request, client_file, 5, {"rows": rows}, status=status)


def _summary_step(request, client_file):
    proof_types = active_proof_types()
    provided = current_proofs(client_file)
    query = request.GET.get("q", "")[:100]
    return _render_step(
        request,
        client_file,
        6,
        {
            "missing": missing_before_sending(client_file, proof_types),
            "email_verified": email_verified(request.user),
            "provided": [t.label for t in proof_types if t.pk in provided],
            "choices": recipient_choices(client_file, session=request.session, query=query),
            "sent_to": set(client_file.cases.values_list("provider_id", flat=True)),
            "owners": client_file.beneficial_owners.all(),
            "query": query,
        },
    )


@require_POST
def send(request, public_id):
    client_file = client_file_for(request, public_id)
    ids = [
        value for value in request.POST.getlist("provider") if value.isascii() and value.isdigit()
    ]
    try:
        cases = client_file_send(
            client_file=client_file,
            providers=listed_providers(ids[:MAX_RECIPIENTS]),
            actor=request.user,
        )
    except DomainError as error:
        show_error(error, request=request)
        return redirect(_step_url(client_file, 6))
    if cases:
        names = ", ".join(str(case.provider) for case in cases)
        messages.success(request, f"Votre dossier a été envoyé à {names}.")
    else:
        messages.info(request, "Ces domiciliataires ont déjà reçu votre dossier.")
    return redirect("domiciliation:dashboard")


def dashboard(request):
    """« Mes dossiers »: each case with its status, its proofs' states and what the
    company has to do; drafts to finish."""
    return render(request, "domiciliation/dashboard.html", {"files": company_files(request.user)})


@require_POST
def withdraw(request, public_id):
    case = company_case_for(request, public_id)
    try:
        case_withdraw(case=case, actor=request.user)
    except DomainError as error:
        show_error(error, request=request)
    else:
        messages.success(request, f"Votre demande auprès de {case.provider} est retirée.")
    return redirect("domiciliation:dashboard")
