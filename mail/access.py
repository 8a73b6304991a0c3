"""Who may reach which mail object: the domiciliataire's team its own provider's items,
the company the items of its own contracts. Anyone else gets a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.tenancy import get_for_organization_or_404
from domiciliation.access import member_required
from domiciliation.models import Contract

from .models import MailItem, MailScan
from .services.items import mailbox_of

__all__ = ["member_required"]


def provider_item_for(request, public_id) -> MailItem:
    """An item of the request's domiciliataire."""
    return get_for_organization_or_404(
        MailItem.objects.select_related("contract__mailbox", "provider"),
        request.organization,
        public_id=public_id,
    )


def company_item_for(request, public_id) -> MailItem:
    """An item of one of the company's own contracts."""
    return get_object_or_404(
        MailItem.objects.of_company(request.user).select_related("contract__mailbox", "provider"),
        public_id=public_id,
    )


def company_mailbox_for(request, public_id):
    """The mailbox of one of the company's own contracts."""
    contract = get_object_or_404(Contract.objects.of_company(request.user), public_id=public_id)
    return mailbox_of(contract)


def scan_for(request, public_id) -> MailScan:
    """A scan, for a member of the item's domiciliataire or for the company whose
    contract received it."""
    scan = (
        MailScan.objects.select_related("item__contract", "item__provider")
        .filter(public_id=public_id)
        .first()
    )
    if scan is None:
        raise Http404
    contract = scan.item.contract
    if contract is not None and contract.owner_id == request.user.pk:
        return scan
    organization = getattr(request, "organization", None)
    if organization is not None and scan.item.provider.organization_id == organization.pk:
        return scan
    raise Http404
