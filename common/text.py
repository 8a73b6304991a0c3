import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free text, for sorting and searching names (Émile → emile)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
