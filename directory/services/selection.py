"""« Ma sélection »: the listed providers a visitor keeps to ask them for an offer at once,
stored in the session (names included, so that the header needs no query), ten at most."""

from common.exceptions import DomainError

from ..models import Provider

SESSION_KEY = "directory_selection"
MAX_SELECTION = 10


class SelectionFull(DomainError):
    """The selection already holds MAX_SELECTION providers."""

    def __init__(self):
        super().__init__(
            f"Votre sélection compte déjà {MAX_SELECTION} domiciliataires, le maximum."
        )


def selection_entries(session) -> list[dict]:
    """The selection, in the order the providers were added: {"slug", "name"} each."""
    return list(session.get(SESSION_KEY, []))


def selection_slugs(session) -> list[str]:
    return [entry["slug"] for entry in selection_entries(session)]


def selection_add(*, session, provider: Provider) -> bool:
    """Adds a listed provider; False when it is already there, SelectionFull at the cap."""
    selection = selection_entries(session)
    if provider.slug in {entry["slug"] for entry in selection}:
        return False
    if len(selection) >= MAX_SELECTION:
        raise SelectionFull
    selection.append({"slug": provider.slug, "name": provider.display_name})
    session[SESSION_KEY] = selection
    return True


def selection_remove(*, session, slug: str) -> None:
    session[SESSION_KEY] = [entry for entry in selection_entries(session) if entry["slug"] != slug]
