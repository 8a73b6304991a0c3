"""Who may use the financeur space: every manager, or the primary manager only."""

from accounts.models import Membership, Organization
from accounts.tenancy import organization_required

funder_manager_required = organization_required(
    kind=Organization.Kind.FUNDER, roles=[Membership.Role.PRIMARY, Membership.Role.SECONDARY]
)
primary_manager_required = organization_required(
    kind=Organization.Kind.FUNDER, roles=[Membership.Role.PRIMARY]
)
