def tenancy(request):
    """The active organization and membership, for the header of every page."""
    return {
        "organization": getattr(request, "organization", None),
        "membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
    }
