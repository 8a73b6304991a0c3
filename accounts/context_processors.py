from django.utils.functional import SimpleLazyObject

from .mfa import mfa_enabled, mfa_required
from .navigation import menu


def tenancy(request):
    """The active organization and membership, for the header of every page, and whether
    the user still has to set up the two-factor login their role requires (the
    navigation is hidden until then, as it is while a password must be changed)."""
    return {
        "organization": getattr(request, "organization", None),
        "membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
        "mfa_setup_required": SimpleLazyObject(lambda: _mfa_setup_required(request)),
    }


def _mfa_setup_required(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    required = mfa_required(user, getattr(request, "memberships", []))
    return required and not mfa_enabled(user)


def navigation(request):
    """The menu of the logged-in user (accounts.navigation), once the password is chosen."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.must_change_password:
        return {"menu": []}
    if _mfa_setup_required(request):  # hidden until the required second factor is set up
        return {"menu": []}
    return {"menu": menu(request)}
