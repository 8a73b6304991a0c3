"""Failed logins: allauth counts them per client IP (10 a minute: what stops an attacker
trying many accounts) and per identifier (5 in 5 minutes: what protects one account). A
refused attempt says when the user may try again; the account's owner is e-mailed when
the per-identifier limit locks their account, so that a lock-out caused by someone else
is never silent."""

import datetime
import math
from dataclasses import dataclass

from allauth.core.internal.ratelimit import Rate, get_cache_key, get_rates
from django.core.cache import cache
from django.utils import timezone

APP = "allauth.account"
ACTION = "login_failed"


@dataclass(frozen=True)
class Lock:
    """One exhausted limit: `started` is the oldest attempt still counted (the same for
    every refusal of one lock-out), `ends` when a slot frees."""

    per: str
    started: float
    ends: datetime.datetime


def login_locks(request, key: str) -> list[Lock]:
    """The limits that refuse the next attempt for allauth's identifier `key` from this
    request's IP."""
    now = timezone.now().timestamp()
    return [
        lock
        for rate in get_rates(app=APP, action=ACTION)
        if (lock := _lock(request, key, rate, now))
    ]


def _lock(request, key: str, rate: Rate, now: float) -> Lock | None:
    history = cache.get(get_cache_key(request, app=APP, action=ACTION, rate=rate, key=key), [])
    recent = [stamp for stamp in history if stamp > now - rate.duration]
    if len(recent) < rate.amount:
        return None
    # Newest first: the attempt whose expiry frees a slot is the amount-th.
    started = recent[rate.amount - 1]
    ends = math.ceil((started + rate.duration) / 60) * 60  # told to the minute, never early
    return Lock(rate.per, started, datetime.datetime.fromtimestamp(ends, tz=datetime.UTC))


def too_many_attempts_message(locks: list[Lock]) -> str:
    if not locks:
        return "Trop de tentatives de connexion échouées. Réessayez dans quelques minutes."
    ends = timezone.localtime(max(lock.ends for lock in locks))
    return (
        "Trop de tentatives de connexion échouées. Vous pourrez réessayer à partir de "
        f"{ends:%H}\u00a0h\u00a0{ends:%M}."
    )
