"""Who may use the financeur space, and one helper per object type a URL names: another
financeur's object is a 404 (as if it did not exist), a role that may not act is a 403.
Views reach the financeur's objects through these helpers only."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Organization, User
from accounts.tenancy import get_for_organization_or_404, organization_required, require_role

from .models import (
    Attestation,
    Beneficiary,
    BeneficiaryImport,
    Document,
    HelpRequest,
    Invoice,
    Job,
    Order,
    Quote,
)
from .selectors import documents_published

funder_manager_required = organization_required(
    kind=Organization.Kind.FUNDER, roles=[Membership.Role.PRIMARY, Membership.Role.SECONDARY]
)
primary_manager_required = organization_required(
    kind=Organization.Kind.FUNDER, roles=[Membership.Role.PRIMARY]
)


def is_primary_manager(request) -> bool:
    """Whether the request acts as the financeur's primary manager (what the pages offer
    them besides the common links)."""
    membership = request.membership
    return membership is not None and membership.role == Membership.Role.PRIMARY


def order_for(request, public_id) -> Order:
    return get_for_organization_or_404(
        Order.objects.select_related("created_by", "terms"),
        request.organization,
        public_id=public_id,
    )


def invoice_for(request, public_id) -> Invoice:
    return get_for_organization_or_404(
        Invoice.objects.select_related("order"), request.organization, public_id=public_id
    )


def beneficiary_for(request, public_id) -> Beneficiary:
    return get_for_organization_or_404(
        Beneficiary.objects, request.organization, public_id=public_id
    )


def beneficiary_import_for(
    request, public_id, *, kind: str = BeneficiaryImport.Kind.BENEFICIARIES
) -> BeneficiaryImport:
    """An import of `kind` of the financeur, by any of its managers (a payroll import's
    id on a bénéficiaire import's page is not found, and the other way round)."""
    return get_for_organization_or_404(
        BeneficiaryImport.objects.defer("preview").filter(kind=kind),
        request.organization,
        public_id=public_id,
    )


def help_request_for(request, public_id) -> HelpRequest:
    """A help request of the financeur that has an attachment (the only page that names
    one by id is its attachment's download)."""
    return get_for_organization_or_404(
        HelpRequest.objects.exclude(attachment=""), request.organization, public_id=public_id
    )


def manager_for(request, public_id) -> User:
    """A manager of the financeur, for its primary manager only."""
    require_role(request, [Membership.Role.PRIMARY])
    return get_object_or_404(
        User, public_id=public_id, memberships__organization=request.organization
    )


def document_for(public_id) -> Document:
    """A published « Document utile » (every financeur sees the same ones)."""
    document = documents_published().filter(public_id=public_id).first()
    if document is None:
        raise Http404("Document introuvable.")
    return document


def attestation_for(request, public_id) -> Attestation:
    return get_for_organization_or_404(
        Attestation.objects.select_related("beneficiary"), request.organization, public_id=public_id
    )


def job_for(request, public_id) -> Job:
    return get_for_organization_or_404(
        Job.objects.select_related("created_by"), request.organization, public_id=public_id
    )


def quote_for(request, public_id) -> Quote:
    return get_for_organization_or_404(
        Quote.objects.select_related("created_by"), request.organization, public_id=public_id
    )
