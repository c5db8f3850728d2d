"""Lockout after repeated failed logins: per account name from one address, and per address.

The account lock holds for the failing address only, so that a stranger guessing the admin's password
locks himself out, not the admin signing in from the office; the address counter (every account name
tried from one address) stops one address from guessing across many accounts.

Counted with UPDATE … SET failures = failures + 1 so that parallel guesses cannot slip between a
read and a write: N wrong passwords always count N, whatever the number of app processes.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from .models import LoginThrottle

EVERY_ACCOUNT = ""  # the username of an address's own counter


def _window() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def _counters(username: str, address: str) -> list[tuple[str, int]]:
    """(username, limit) of the counters one failure adds to; no address counter for an unknown one."""
    counters = [(_key(username), settings.LOGIN_FAILURE_LIMIT)]
    if address:
        counters.append((EVERY_ACCOUNT, settings.LOGIN_ADDRESS_FAILURE_LIMIT))
    return counters


def locked_until(username: str, address: str) -> datetime.datetime | None:
    """Until when this account name is refused to this address (the later of both locks), or None."""
    names = [name for name, _limit in _counters(username, address)]
    return LoginThrottle.objects.filter(username__in=names, address=address[:45],
                                        locked_until__gt=timezone.now()).aggregate(until=Max("locked_until"))["until"]


@transaction.atomic
def register_failure(username: str, address: str) -> bool:
    """Count one failure; return True when the account name is now locked for this address."""
    now, address, locked = timezone.now(), address[:45], False
    for name, limit in _counters(username, address):
        rows = LoginThrottle.objects.filter(username=name, address=address)
        LoginThrottle.objects.get_or_create(username=name, address=address, defaults={"first_failure": now})
        # Failures older than the window no longer count.
        rows.filter(first_failure__lt=now - _window()).update(failures=0, first_failure=now)
        rows.update(failures=F("failures") + 1)
        locked |= bool(rows.filter(failures__gte=limit).update(locked_until=now + _window(), failures=0,
                                                               first_failure=None))
    return locked


def register_success(username: str, address: str) -> None:
    # The address's own counter stays: signing in to one's own account must not wipe the count of
    # guesses at other accounts.
    LoginThrottle.objects.filter(username=_key(username), address=address[:45]).delete()
