"""Lockout after repeated failed logins, counted per account name.

Counted with UPDATE … SET failures = failures + 1 so that parallel guesses cannot slip between a
read and a write: N wrong passwords always count N, whatever the number of app processes.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import LoginThrottle


def _window() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def locked_until(username: str) -> datetime.datetime | None:
    row = LoginThrottle.objects.filter(username=_key(username), locked_until__gt=timezone.now()).first()
    return row.locked_until if row else None


@transaction.atomic
def register_failure(username: str) -> bool:
    """Count one failure; return True when the account name is now locked."""
    key, now = _key(username), timezone.now()
    LoginThrottle.objects.get_or_create(username=key, defaults={"first_failure": now})
    # Failures older than the window no longer count.
    LoginThrottle.objects.filter(username=key, first_failure__lt=now - _window()).update(failures=0, first_failure=now)
    LoginThrottle.objects.filter(username=key).update(failures=F("failures") + 1)
    locked = LoginThrottle.objects.filter(username=key, failures__gte=settings.LOGIN_FAILURE_LIMIT).update(
        locked_until=now + _window(), failures=0, first_failure=None
    )
    return bool(locked)


def register_success(username: str) -> None:
    LoginThrottle.objects.filter(username=_key(username)).delete()
