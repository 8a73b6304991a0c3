"""« Besoin d'aide », for the financeur's managers (primary and secondary): the contact
form, the financeur's past requests and their attachments."""

from django.contrib import messages
from django.shortcuts import redirect, render

from common.files import file_response

from ..access import funder_manager_required, help_request_for
from ..forms.help import HelpRequestForm
from ..selectors import help_requests_recent
from ..services.help import help_request_create

SENT = "Votre demande a bien été envoyée\u00a0; le service clients vous répondra par e-mail."


@funder_manager_required
def help_request(request):
    form = HelpRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        help_request_create(
            organization=request.organization, user=request.user, **form.cleaned_data
        )
        messages.success(request, SENT)
        return redirect("cesu_orders:help")
    past_requests = help_requests_recent(request.organization)
    return render(request, "cesu_orders/help.html", {"form": form, "past_requests": past_requests})


@funder_manager_required
def help_attachment(request, public_id):
    help_request = help_request_for(request, public_id)
    extension = help_request.attachment.name.rsplit(".", 1)[-1]
    return file_response(
        help_request.attachment,
        filename=f"piece-jointe-{help_request.created_at:%Y-%m-%d}.{extension}",
    )
