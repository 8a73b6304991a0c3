"""« Profil gestionnaire »: own details for every manager, manager administration for the
primary manager only."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Membership, User
from common.phones import display_phone
from common.views import show_error

from ..access import funder_manager_required, primary_manager_required
from ..forms.managers import ManagerForm
from ..services import managers as services


def _organization_manager(request, public_id) -> User:
    """A manager of the request's organization; another financeur's manager is a 404."""
    return get_object_or_404(
        User, public_id=public_id, memberships__organization=request.organization
    )


@primary_manager_required
def manager_list(request):
    memberships = (
        Membership.objects.filter(organization=request.organization)
        .select_related("user")
        .order_by("user__username")
    )
    return render(request, "cesu_orders/manager_list.html", {"managers": memberships})


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
        "email": user.email,
        "phone": display_phone(user.phone),
    }
    form = ManagerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.manager_update_profile(user=user, **form.cleaned_data)
        except services.ManagerError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "Vos coordonnées ont été mises à jour.")
            return redirect("cesu_orders:profile_edit")
    return render(request, "cesu_orders/profile_form.html", {"form": form})


@require_POST
@primary_manager_required
def manager_deactivate(request, public_id):
    manager = _organization_manager(request, public_id)
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
    manager = _organization_manager(request, public_id)
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
