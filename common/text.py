import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free text, for sorting and searching names (Émile → emile)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def search_key(text: str) -> str:
    """`fold`, with every run of punctuation, hyphens and spaces made one space, so that
    « saint etienne » matches « Saint-Étienne » and « l'isle » matches « L’Isle »."""
    return " ".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def parse_count(text: str | None, *, max_digits: int = 9) -> int | None:
    """A non-negative whole number typed or posted as ASCII digits, or None. `str.isdigit`
    alone accepts « ² » or « ٣ », which int() then refuses or reads unexpectedly."""
    text = (text or "").strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
