"""« Besoin d'aide »: the contact form, the organization's past requests and their
attachments."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.tenancy import get_for_organization_or_404
from common.files import file_response

from ..access import funder_manager_required
from ..forms.help import HelpRequestForm
from ..models import HelpRequest
from ..services.help import help_request_create

SENT = "Votre demande a bien été envoyée\u00a0; le service clients vous répondra par e-mail."


# The latest requests only: older ones stay with the customer service.
PAST_REQUESTS_SHOWN = 50


@funder_manager_required
def help_request(request):
    form = HelpRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        help_request_create(
            organization=request.organization, user=request.user, **form.cleaned_data
        )
        messages.success(request, SENT)
        return redirect("cesu_orders:help")
    past_requests = (
        HelpRequest.objects.for_organization(request.organization)
        .select_related("user")
        .order_by("-created_at")[:PAST_REQUESTS_SHOWN]
    )
    return render(request, "cesu_orders/help.html", {"form": form, "past_requests": past_requests})


@funder_manager_required
def help_attachment(request, public_id):
    help_request = get_for_organization_or_404(
        HelpRequest.objects.exclude(attachment=""), request.organization, public_id=public_id
    )
    extension = help_request.attachment.name.rsplit(".", 1)[-1]
    return file_response(
        help_request.attachment,
        filename=f"piece-jointe-{help_request.created_at:%Y-%m-%d}.{extension}",
    )
