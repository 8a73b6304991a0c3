"""The company's side: the questionnaire (a visitor may start it before having an
account), the proofs, sending to several domiciliataires, and the dashboard."""

from allauth.account.models import EmailAddress
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.models import Membership
from common.files import file_response
from common.text import search_key
from directory.models import Provider

from .forms import (
    BeneficialOwnerFormSet,
    CompanyForm,
    ProofUploadForm,
    RepresentativeForm,
    ServicesForm,
)
from .models import Case, ClientFile, Proof, ProofReview, ProofType
from .services.cases import CaseRefused
from .services.requests import (
    STEPS,
    beneficial_owners_replace,
    case_withdraw,
    client_file_claim,
    client_file_save_step,
    client_file_send,
    client_file_start,
    current_proofs,
    missing_before_sending,
    proof_upload,
)

DRAFTS_KEY = "domiciliation_drafts"
EMAIL_NOT_VERIFIED = (
    "Confirmez d’abord votre adresse e-mail en cliquant sur le lien que nous vous avons envoyé."
)
STEP_FORMS = {1: CompanyForm, 2: RepresentativeForm, 4: ServicesForm}
ACCOUNT_STEP = 5  # From here on the company needs an account.


def _remember_draft(request, client_file: ClientFile) -> None:
    drafts = request.session.get(DRAFTS_KEY, [])
    if str(client_file.draft_token) not in drafts:
        request.session[DRAFTS_KEY] = [*drafts, str(client_file.draft_token)][-5:]


def _client_file(request, public_id) -> ClientFile:
    """The request's own file: its owner's, or a visitor's draft found by the session
    (claimed by the user once logged in). Anyone else's is a 404."""
    client_file = ClientFile.objects.filter(public_id=public_id).first()
    if client_file is None:
        raise Http404
    if request.user.is_authenticated and client_file.owner_id == request.user.pk:
        return client_file
    in_session = str(client_file.draft_token) in request.session.get(DRAFTS_KEY, [])
    if client_file.owner_id is None and in_session:
        if request.user.is_authenticated:
            return client_file_claim(client_file=client_file, user=request.user)
        return client_file
    raise Http404


@login_not_required
def start(request):
    """« Demander une offre »: a new questionnaire with the provider (and centre), or the
    visitor's directory selection, preselected."""
    provider = centre = None
    slug = request.GET.get("domiciliataire", "")
    if slug:
        provider = get_object_or_404(Provider.objects.listed(), slug=slug)
        centre_id = request.GET.get("centre", "")
        if centre_id:
            try:
                centre = provider.centres.filter(public_id=centre_id).first()
            except ValidationError:
                centre = None
    selection = []
    if request.GET.get("selection"):
        slugs = [entry["slug"] for entry in request.session.get("directory_selection", [])]
        selection = list(Provider.objects.listed().filter(slug__in=slugs))
    owner = request.user if request.user.is_authenticated else None
    client_file = client_file_start(
        owner=owner, provider=provider, centre=centre, selection=selection
    )
    _remember_draft(request, client_file)
    return redirect("domiciliation:step", public_id=client_file.public_id, step=1)


def _step_url(client_file: ClientFile, step: int) -> str:
    return reverse("domiciliation:step", kwargs={"public_id": client_file.public_id, "step": step})


@login_not_required
def step(request, public_id, step):
    if step not in dict(STEPS):
        raise Http404
    client_file = _client_file(request, public_id)
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
        client_file_save_step(client_file=client_file, step=step, fields=form.cleaned_data)
        return redirect(_step_url(client_file, _next_step(client_file, step)))
    return _render_step(request, client_file, step, {"form": form})


def _next_step(client_file: ClientFile, step: int) -> int:
    if step == 2 and not client_file.needs_beneficial_owners:
        return 4
    return step + 1


def _render_step(request, client_file, step, context, status=200):
    return render(
        request,
        f"domiciliation/step_{'form' if step in STEP_FORMS else step}.html",
        {
            "client_file": client_file,
            "steps": STEPS,
            "step": step,
            "step_title": dict(STEPS)[step],
            "previous_url": _step_url(client_file, step - 1) if step > 1 else None,
            **context,
        },
        status=status,
    )


def _owners_step(request, client_file):
    initial = list(client_file.beneficial_owners.values("first_name", "last_name", "share"))
    formset = BeneficialOwnerFormSet(request.POST or None, initial=initial or [{}], prefix="owners")
    if request.method == "POST" and formset.is_valid():
        beneficial_owners_replace(client_file=client_file, owners=formset.owners())
        if "add_owner" in request.POST:
            return redirect(_step_url(client_file, 3) + "?ajouter=1")
        return redirect(_step_url(client_file, 4))
    if request.method == "GET" and request.GET.get("ajouter"):
        formset = BeneficialOwnerFormSet(initial=[*initial, {}], prefix="owners")
    return _render_step(request, client_file, 3, {"formset": formset})


def _proofs_step(request, client_file):
    proof_types = list(ProofType.objects.filter(is_active=True))
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
            proof_upload(
                client_file=client_file,
                proof_type=proof_type,
                upload=form.cleaned_data["file"],
                kind=form.kind,
                actor=request.user,
            )
            client_file_save_step(client_file=client_file, step=5, fields={})
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


def _recipient_choices(request, client_file) -> list[Provider]:
    """The providers offered at sending: where the company came from, its directory
    selection, and those found by the search box."""
    slugs = [entry["slug"] for entry in request.session.get("directory_selection", [])]
    wanted = Q(pk=client_file.origin_provider_id) | Q(pk__in=client_file.preselected.all())
    wanted |= Q(slug__in=slugs)
    query = search_key(request.GET.get("q", ""))[:100]
    found = []
    if query:
        found = list(
            Provider.objects.listed()
            .filter(search_name__contains=query)
            .order_by("search_name")[:10]
        )
    providers = list(Provider.objects.listed().filter(wanted).order_by("search_name"))
    return providers + [p for p in found if p not in providers]


def _email_verified(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _summary_step(request, client_file):
    proof_types = list(ProofType.objects.filter(is_active=True))
    sent_to = set(client_file.cases.values_list("provider_id", flat=True))
    choices = _recipient_choices(request, client_file)
    provided = current_proofs(client_file)
    return _render_step(
        request,
        client_file,
        6,
        {
            "missing": missing_before_sending(client_file, proof_types),
            "email_verified": _email_verified(request.user),
            "provided": [t.label for t in proof_types if t.pk in provided],
            "choices": choices,
            "sent_to": sent_to,
            "owners": client_file.beneficial_owners.all(),
            "query": request.GET.get("q", "")[:100],
        },
    )


@require_POST
def send(request, public_id):
    client_file = _client_file(request, public_id)
    if not _email_verified(request.user):
        messages.error(request, EMAIL_NOT_VERIFIED)
        return redirect(_step_url(client_file, 6))
    ids = [
        value for value in request.POST.getlist("provider") if value.isascii() and value.isdigit()
    ]
    providers = list(Provider.objects.listed().filter(pk__in=ids[:20]))
    try:
        cases = client_file_send(client_file=client_file, providers=providers, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
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
    files = (
        ClientFile.objects.filter(owner=request.user)
        .prefetch_related(
            Prefetch(
                "cases",
                queryset=Case.objects.select_related("provider", "invoice").prefetch_related(
                    Prefetch("reviews", queryset=ProofReview.objects.select_related("proof_type")),
                    "signatures",
                    "documents",
                ),
            )
        )
        .order_by("-updated_at")
    )
    return render(request, "domiciliation/dashboard.html", {"files": files})


@require_POST
def withdraw(request, public_id):
    case = get_object_or_404(
        Case.objects.select_related("provider"),
        public_id=public_id,
        client_file__owner=request.user,
    )
    try:
        case_withdraw(case=case, actor=request.user)
    except CaseRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Votre demande auprès de {case.provider} est retirée.")
    return redirect("domiciliation:dashboard")


# The « Justificatifs » page shows proofs in a frame of the portal itself.
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def proof_download(request, public_id):
    """A proof, for its owner or for a member of a domiciliataire whose case includes the
    file; anyone else gets a 404."""
    proof = get_object_or_404(
        Proof.objects.select_related("client_file", "proof_type"), public_id=public_id
    )
    owner = proof.client_file.owner_id == request.user.pk
    addressed = Membership.objects.filter(
        user=request.user,
        is_active=True,
        organization__provider__cases__client_file=proof.client_file,
    ).exists()
    if not (owner or addressed):
        raise Http404
    name = f"{proof.proof_type.code}-{proof.uploaded_at:%Y-%m-%d}.{_extension(proof.kind)}"
    return file_response(proof.file, filename=name, as_attachment=request.GET.get("apercu") != "1")


def _extension(kind: str) -> str:
    return {"pdf": "pdf", "jpeg": "jpg", "png": "png"}.get(kind, "bin")
