"""For the domiciliataire's admins: the team. An admin invites agents by e-mail,
deactivates or reactivates them, and gives the mobile where their own signing codes go."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.services import user_set_phone
from common.exceptions import DomainError
from common.views import show_error

from ..access import admin_required, team_member_for
from ..forms.team import AgentInviteForm, PhoneForm
from ..selectors import team_members
from ..services.team import agent_deactivate, agent_invite, agent_reactivate


@admin_required
def team(request):
    """The team: admins and agents; an admin invites an agent by e-mail."""
    form = AgentInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = agent_invite(
                organization=request.organization, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, f"Une invitation est envoyée à {user.email}.")
            return redirect("domiciliation_provider:team")
    return _team_page(
        request, form, PhoneForm(user=request.user, initial={"phone": request.user.phone})
    )


def _team_page(request, form, phone_form):
    return render(
        request,
        "domiciliation/provider/team.html",
        {"form": form, "phone_form": phone_form, "members": team_members(request.organization)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@admin_required
def own_phone(request):
    """The admin's mobile, where the codes to sign contracts are sent."""
    form = PhoneForm(request.POST, user=request.user)
    if form.is_valid():  # the form checks the current password
        user_set_phone(user=request.user, phone=form.cleaned_data["phone"])
        messages.success(request, "Votre téléphone mobile est enregistré.")
        return redirect("domiciliation_provider:team")
    return _team_page(request, AgentInviteForm(), form)


def _agent_access(request, public_id, service, done: str):
    user = team_member_for(request, public_id)
    try:
        service(organization=request.organization, user=user, by=request.user)
    except DomainError as error:
        show_error(error, request=request)
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
