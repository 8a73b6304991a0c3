"""How a view shows a refusal: the one place that turns a `DomainError` into messages
next to the form field it names, or at the top of the form, or as page messages."""

from django.contrib import messages

from .exceptions import DomainError


def show_error(error: DomainError, *, form=None, request=None) -> None:
    """With a form: each message next to `error.field` when the form has that field,
    else at the top of the form. Without one: each message as a page message."""
    for message in error.messages:
        if form is not None:
            form.add_error(error.field if error.field in form.fields else None, message)
        else:
            messages.error(request, message)
