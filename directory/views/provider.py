"""The domiciliataire's own profile at /domiciliataire/profil/: its admins edit it, its
centres and its logo, and submit it to staff."""

from django.contrib import messages
from django.core.files.base import ContentFile
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organization
from accounts.tenancy import get_for_organization_or_404, organization_required
from common.views import show_error

from ..forms import CentreForm, ProviderForm
from ..models import Provider, ProviderCentre
from ..services import ProfileError, centre_save, provider_save, provider_submit

provider_admin_required = organization_required(
    kind=Organization.Kind.PROVIDER, roles=[Membership.Role.ADMIN]
)


def _provider(request) -> Provider | None:
    return Provider.objects.filter(organization=request.organization).first()


@provider_admin_required
def profile(request):
    provider = _provider(request) or Provider(organization=request.organization)
    form = ProviderForm(request.POST or None, request.FILES or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        provider = form.save(commit=False)
        logo = form.cleaned_data.get("logo_upload")
        if logo:
            provider.logo.save("logo.png", ContentFile(logo), save=False)
        provider_save(provider=provider, changed=form.changed_data)
        messages.success(request, "Votre fiche est enregistrée.")
        return redirect("directory_provider:profile")
    centres = provider.centres.select_related("department") if provider.pk else []
    return render(
        request,
        "directory/provider_profile.html",
        {"form": form, "provider": provider, "centres": centres},
    )


@provider_admin_required
@require_POST
def submit(request):
    provider = _provider(request)
    if provider is None:
        messages.error(request, "Enregistrez d’abord votre fiche.")
        return redirect("directory_provider:profile")
    try:
        provider_submit(provider=provider)
    except ProfileError as error:
        show_error(error, request=request)
    else:
        messages.success(
            request, "Votre fiche est soumise à validation\u00a0: vous recevrez un e-mail."
        )
    return redirect("directory_provider:profile")


def _centre_page(request, centre: ProviderCentre):
    form = CentreForm(request.POST or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        try:
            centre_save(centre=form.save(commit=False))
        except ProfileError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "Le centre est enregistré.")
            return redirect("directory_provider:profile")
    return render(request, "directory/centre_form.html", {"form": form, "centre": centre})


@provider_admin_required
def centre_create(request):
    provider = _provider(request)
    if provider is None:
        messages.error(request, "Enregistrez d’abord votre fiche.")
        return redirect("directory_provider:profile")
    return _centre_page(request, ProviderCentre(provider=provider))


def _own_centre(request, public_id) -> ProviderCentre:
    return get_for_organization_or_404(
        ProviderCentre.objects.select_related("provider"), request.organization, public_id=public_id
    )


@provider_admin_required
def centre_update(request, public_id):
    return _centre_page(request, _own_centre(request, public_id))


@provider_admin_required
@require_POST
def centre_delete(request, public_id):
    centre = _own_centre(request, public_id)
    centre.delete()
    messages.success(request, f"Le centre «\u00a0{centre.name}\u00a0» est supprimé.")
    return redirect("directory_provider:profile")
