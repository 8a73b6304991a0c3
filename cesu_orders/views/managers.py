"""« Profil gestionnaire »: their own details for every manager of the financeur (primary
and secondary), the secondary managers' administration for the primary manager only."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.phones import display_phone
from common.views import show_error

from .. import selectors
from ..access import (
    funder_manager_required,
    is_primary_manager,
    manager_for,
    primary_manager_required,
)
from ..forms.managers import ManagerForm, ProfileForm
from ..services import managers as services


@primary_manager_required
def manager_list(request):
    managers = selectors.funder_managers(request.organization)
    return render(request, "cesu_orders/manager_list.html", {"managers": managers})


@primary_manager_required
def manager_create(request):
    form = ManagerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            manager = services.manager_create(
                funder=request.organization.funder, created_by=request.user, **form.cleaned_data
            )
        except services.ManagerError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request,
                f"Le gestionnaire {manager.username} a été créé\u00a0; un e-mail lui a été "
                "envoyé avec son mot de passe temporaire.",
            )
            return redirect("cesu_orders:manager_list")
    return render(request, "cesu_orders/manager_form.html", {"form": form})


@funder_manager_required
def profile_edit(request):
    user = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": display_phone(user.phone),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.manager_update_profile(user=user, **form.cleaned_data)
        except services.ManagerError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "Vos coordonnées ont été mises à jour.")
            return redirect("cesu_orders:profile_edit")
    context = {"form": form, "is_primary_manager": is_primary_manager(request)}
    return render(request, "cesu_orders/profile_form.html", context)


@require_POST
@primary_manager_required
def manager_deactivate(request, public_id):
    manager = manager_for(request, public_id)
    try:
        services.manager_deactivate(
            funder=request.organization.funder, user=manager, by=request.user
        )
    except services.ManagerError as error:
        show_error(error, request=request)
    else:
        messages.success(
            request,
            f"Le gestionnaire {manager.username} est désactivé\u00a0: "
            "il ne peut plus se connecter.",
        )
    return redirect("cesu_orders:manager_list")


@require_POST
@primary_manager_required
def manager_reactivate(request, public_id):
    manager = manager_for(request, public_id)
    try:
        services.manager_reactivate(
            funder=request.organization.funder, user=manager, by=request.user
        )
    except services.ManagerError as error:
        show_error(error, request=request)
    else:
        messages.success(
            request,
            f"Le gestionnaire {manager.username} est réactivé\u00a0; un e-mail l’en a informé.",
        )
    return redirect("cesu_orders:manager_list")
