from .services.selection import selection_entries


def selection(request):
    """How many providers the visitor has in « Ma sélection », for the header (session
    only, no query)."""
    session = getattr(request, "session", None)
    entries = selection_entries(session) if session is not None else []
    return {"directory_selection_count": len(entries)}
