import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free text, for sorting and searching names (Émile → emile)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def search_key(text: str) -> str:
    """`fold`, with every run of punctuation, hyphens and spaces made one space, so that
    « saint etienne » matches « Saint-Étienne » and « l'isle » matches « L’Isle »."""
    return " ".join("".join(c if c.isalnum() else " " for c in fold(text)).split())
