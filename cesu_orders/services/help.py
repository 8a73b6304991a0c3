"""« Besoin d'aide »: a manager's request is stored, sent to the customer service and
acknowledged to the manager."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from accounts.models import Organization, User
from notifications.services import notify

from ..models import HelpRequest
from ..selectors import customer_service_email


@transaction.atomic
def help_request_create(
    *,
    organization: Organization,
    user: User,
    subject: str,
    message: str,
    attachment: UploadedFile | None,
) -> HelpRequest:
    """Stores the request and queues two e-mails on commit: the request to the customer
    service, an acknowledgement to the manager. The attachment is already validated."""
    help_request = HelpRequest.objects.create(
        organization=organization,
        user=user,
        subject=subject,
        message=message,
        attachment=attachment or "",
    )
    context = {
        "help_request": help_request,
        "organization": organization,
        "manager": user,
        "admin_path": reverse("admin:cesu_orders_helprequest_change", args=[help_request.pk]),
    }
    notify(
        "cesu_help_request",
        email=customer_service_email(organization),
        context=context,
        idempotency_key=f"help-request:{help_request.public_id}",
    )
    if user.email:
        notify(
            "cesu_help_acknowledged",
            email=user.email,
            context=context,
            idempotency_key=f"help-acknowledged:{help_request.public_id}",
            user=user,
        )
    return help_request
