from .navigation import menu


def tenancy(request):
    """The active organization and membership, for the header of every page."""
    return {
        "organization": getattr(request, "organization", None),
        "membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
    }


def navigation(request):
    """The menu of the logged-in user (accounts.navigation), once the password is chosen."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.must_change_password:
        return {"menu": []}
    return {"menu": menu(request)}
