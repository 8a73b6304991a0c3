def selection(request):
    """How many providers the visitor has in « Ma sélection », for the header (session
    only, no query)."""
    session = getattr(request, "session", None)
    entries = session.get("directory_selection", []) if session is not None else []
    return {"directory_selection_count": len(entries)}
