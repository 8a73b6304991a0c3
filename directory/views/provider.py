"""The domiciliataire's own directory profile at /domiciliataire/profil/, for its admins
(an agent gets a 403): the profile, its logo and its centres, and its submission to
staff."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.views import show_error

from ..access import centre_for, own_provider, provider_admin_required
from ..forms.profile import CentreForm, ProviderForm
from ..models import Provider, ProviderCentre
from ..selectors import profile_centres
from ..services import profiles as services

SAVE_FIRST = "Enregistrez d’abord votre fiche."


@provider_admin_required
def profile(request):
    provider = own_provider(request) or Provider(organization=request.organization)
    form = ProviderForm(request.POST or None, request.FILES or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        services.provider_save(
            provider=form.save(commit=False),
            changed=form.changed_data,
            logo=form.cleaned_data.get("logo_upload"),
        )
        messages.success(request, "Votre fiche est enregistrée.")
        return redirect("directory_provider:profile")
    context = {"form": form, "provider": provider, "centres": profile_centres(provider)}
    return render(request, "directory/provider_profile.html", context)


@provider_admin_required
@require_POST
def submit(request):
    provider = own_provider(request)
    if provider is None:
        messages.error(request, SAVE_FIRST)
        return redirect("directory_provider:profile")
    try:
        services.provider_submit(provider=provider)
    except services.ProfileError as error:
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
            services.centre_save(centre=form.save(commit=False))
        except services.ProfileError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "Le centre est enregistré.")
            return redirect("directory_provider:profile")
    return render(request, "directory/centre_form.html", {"form": form, "centre": centre})


@provider_admin_required
def centre_create(request):
    provider = own_provider(request)
    if provider is None:
        messages.error(request, SAVE_FIRST)
        return redirect("directory_provider:profile")
    return _centre_page(request, ProviderCentre(provider=provider))


@provider_admin_required
def centre_update(request, public_id):
    return _centre_page(request, centre_for(request, public_id))


@provider_admin_required
@require_POST
def centre_delete(request, public_id):
    centre = centre_for(request, public_id)
    services.centre_delete(centre=centre)
    messages.success(request, f"Le centre «\u00a0{centre.name}\u00a0» est supprimé.")
    return redirect("directory_provider:profile")
