"""State changes of the platform's own records: the personal-data purge."""

import datetime

from django.db import transaction
from django.utils import timezone

from dxboard.audit.log import record

from . import retention
from .models import PurgeRun


@transaction.atomic
def purge(kind: str, *, now: datetime.datetime | None = None, acting_user=None) -> PurgeRun:
    """Erase the `kind` of personal data older than its retention period at `now`; the run is recorded
    (a PurgeRun and its audit row) even when it erased nothing, so the history shows the purge keeps running."""
    now = now or timezone.now()
    days = retention.days(kind)
    cutoff = now - datetime.timedelta(days=days)
    rows = retention.ERASERS[kind](cutoff)
    run = PurgeRun.objects.create(at=now, kind=kind, days=days, cutoff=cutoff, rows=rows)
    record(actor=acting_user, action="core.purge", obj=run,
           after={"kind": kind, "days": days, "cutoff": cutoff.isoformat(), "rows": rows})
    return run


def purge_all(*, now: datetime.datetime | None = None, acting_user=None) -> list[PurgeRun]:
    now = now or timezone.now()
    return [purge(kind, now=now, acting_user=acting_user) for kind in PurgeRun.Kind.values]
