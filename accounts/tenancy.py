"""Which organization a request acts for, and the access helpers every view uses."""

from collections.abc import Iterable
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Membership, Organization

SESSION_KEY = "active_organization"


def active_memberships(user) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )


def choose_membership(memberships: list[Membership], chosen: str | None) -> Membership | None:
    """The membership kept in the session, else the first one (by organization name)."""
    for membership in memberships:
        if str(membership.organization.public_id) == chosen:
            return membership
    return memberships[0] if memberships else None


def get_for_organization_or_404(
    queryset: QuerySet, organization: Organization | None, **lookup
) -> Model:
    """Another tenant's object, like a missing one, is a 404: nothing leaks."""
    try:
        return queryset.for_organization(organization).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def require_role(request, roles: Iterable[str]) -> Membership:
    """The active membership when its role is one of `roles`, else 403."""
    membership = request.membership
    if membership is None or membership.role not in set(roles):
        raise PermissionDenied("Votre rôle ne permet pas cette action.")
    return membership


def organization_required(kind: str, roles: Iterable[str] | None = None):
    """View decorator: the request must act for an organization of `kind` (403 otherwise),
    with one of `roles` when given."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            organization = request.organization
            if organization is None or organization.kind != kind:
                raise PermissionDenied("Cet espace est réservé à un autre type de compte.")
            if roles is not None:
                require_role(request, roles)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
