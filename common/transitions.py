"""The one status-change contract of the portal (after django-oscar's `set_status`): a
model declares its allowed moves in a TRANSITIONS dict and has an `events` timeline
(a `common.models.StatusEvent`); `status_move` locks the row, checks the move against
the status read under the lock, saves, and writes the event row. Each app wraps it in
a service per move that adds its own rules and notifications."""

from collections.abc import Callable

from django.db import models, transaction
from django.utils import timezone

from .exceptions import TransitionRefused


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [
        field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)
    ]


def status_move(
    instance: models.Model,
    to_status: str,
    *,
    transitions: dict,
    refused: Callable[[str, str], TransitionRefused],
    actor=None,
    note: str = "",
    now=None,
    **changes,
) -> models.Model:
    """Moves `instance` to `to_status` if `transitions` allows it from the status read
    under a row lock (held until the transaction ends), applies `changes`, saves only the
    fields it changed, and writes the timeline row. Otherwise raises `refused(from, to)`.
    Must run inside a transaction; the caller may have locked the row already."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("status_move() must run inside a transaction (transaction.atomic).")
    model = type(instance)
    current = (
        model._default_manager.select_for_update(of=("self",))
        .filter(pk=instance.pk)
        .values_list("status", flat=True)
        .get()
    )
    if to_status not in transitions.get(current, ()):
        raise refused(current, to_status)
    instance.status = to_status
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save(update_fields=["status", *changes, *_auto_now_fields(model)])
    instance.events.create(
        from_status=current,
        to_status=to_status,
        actor=actor,
        note=note,
        created_at=now or timezone.now(),
    )
    return instance


def event_log(instance: models.Model, note: str, *, actor=None, now=None):
    """A note on `instance`'s timeline, without a status change."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return instance.events.create(note=note, actor=actor, created_at=now or timezone.now())
