"""The one base of every refusal a user reads. A service raises a `DomainError` (or a
subclass named after what it refuses) with a French message and, when the message
belongs to one form field, that field's name; views show it with
`common.views.show_error` (next to the field, or at the top of the form)."""


class DomainError(Exception):
    """A rule refused the action; nothing was changed. `messages` are for the user,
    in French; `field` names the form field they belong to (None: the whole form)."""

    def __init__(self, message: str | list[str], *, field: str | None = None):
        self.messages = [message] if isinstance(message, str) else list(message)
        self.field = field
        super().__init__(" ".join(self.messages))


class TransitionRefused(DomainError):
    """A status change that the model's TRANSITIONS do not allow."""
