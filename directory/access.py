"""Who may see or change a directory object. The public pages show listed profiles only
(an unlisted one to its own domiciliataire and to staff, as a preview); the profile pages
are for the domiciliataire's admins: another domiciliataire's centre is a 404, an agent
gets a 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Organization
from accounts.tenancy import get_for_organization_or_404, organization_required, require_role

from .models import Provider, ProviderCentre

provider_admin_required = organization_required(
    kind=Organization.Kind.PROVIDER, roles=[Membership.Role.ADMIN]
)


def visible_provider(request, slug) -> Provider:
    """A listed profile, or an unlisted one for its own provider and for staff."""
    provider = get_object_or_404(Provider, slug=slug)
    own = request.user.is_authenticated and request.organization == provider.organization
    if not provider.is_listed and not (own or request.user.is_staff):
        raise Http404
    return provider


def own_provider(request) -> Provider | None:
    """The profile of the requesting domiciliataire, for its admins; None before its
    first save."""
    require_role(request, [Membership.Role.ADMIN])
    return Provider.objects.filter(organization=request.organization).first()


def centre_for(request, public_id) -> ProviderCentre:
    """A centre of the requesting domiciliataire's profile, for its admins."""
    require_role(request, [Membership.Role.ADMIN])
    return get_for_organization_or_404(
        ProviderCentre.objects.select_related("provider"), request.organization, public_id=public_id
    )
