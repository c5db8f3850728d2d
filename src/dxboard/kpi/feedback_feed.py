"""Citizen feedback feeds the KPI series: the handling figures of `feedback.figures` (each stay of a
report with a unit, counted as that module counts them) become observations of the feedback metrics,
per handling unit and period, from the internal source system `feedback`:

- FEEDBACK_ONTIME: numerator = stays answered on time, denominator = stays counted (finished, or open
  and already past their deadline at the period's end) — `Figures.on_time` / `Figures.counted`;
- FEEDBACK_RECEIVED: the stays received (a count).

A stay belongs to the period in which it was assigned (the metric's frequency, local time); open stays
are judged at the end of the period (or now, for the running one), as `feedback.figures` does for index
indicators. Stored through `actions.store_observations` as the source system `feedback` (its allowed
metrics, its priority: 50, ahead of pushes, uploads and manual entry, because the platform holds the
reports themselves), so a rerun on the same reports changes nothing ("unchanged").

Run by the worker: daily over the last WEEKS_BACK weeks (late answers change recent weeks), and on
demand from the source systems page over the whole history.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from dxboard.audit.log import record
from dxboard.jobs.queue import enqueue, handler, scheduler

from . import periods

CODE = "feedback"
KIND = "kpi.feedback"
WEEKS_BACK = 8
# metric code → (numerator field, denominator field or None) of feedback.figures.Figures
FIGURES = {"FEEDBACK_ONTIME": ("on_time", "counted"), "FEEDBACK_RECEIVED": ("received", None)}


def source_system():
    """The internal source system of the feedback module (created on first use, allowed its metrics)."""
    from .models import Metric, SourceSystem

    system = SourceSystem.objects.filter(code=CODE).first()
    if system is None:
        with transaction.atomic():
            system = SourceSystem.objects.create(code=CODE, name="Phản ánh, kiến nghị của người dân (nội bộ)",
                                                 priority=50)
            system.metrics.set(Metric.objects.filter(code__in=FIGURES))
            record(actor=None, action="kpi.source.create", obj=system,
                   after={"code": CODE, "metrics": sorted(system.metrics.values_list("code", flat=True))})
    return system


def _bounds(metric, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[start, end] widened to whole periods of the metric's frequency."""
    first = periods.parse(periods.key_for(start, metric.frequency))[1]
    last = periods.parse(periods.key_for(end, metric.frequency))[2]
    return first, last


def rows(start: datetime.date, end: datetime.date, *, metrics, now: datetime.datetime | None = None) -> list[dict]:
    """Observation rows of `metrics` for the stays assigned in whole periods covering [start, end]."""
    from dxboard.feedback import figures

    now = now or timezone.now()
    bounds = {m.code: _bounds(m, start, end) for m in metrics}
    if not bounds:
        return []
    stays = figures.stays_from_db(min(b[0] for b in bounds.values()), max(b[1] for b in bounds.values()),
                                  resolve=True)
    out = []
    for metric in metrics:
        first, last = bounds[metric.code]
        groups: dict = defaultdict(list)
        for stay in stays:
            day = timezone.localtime(stay.assigned_at).date()
            if first <= day <= last and (not metric.unit_kinds or stay.unit.kind in metric.unit_kinds):
                groups[(stay.unit.code, periods.key_for(day, metric.frequency))].append(stay)
        num_field, den_field = FIGURES[metric.code]
        for (unit_code, key), group in sorted(groups.items()):
            period_end = periods.parse(key)[2]
            end_of_period = datetime.datetime.combine(period_end, datetime.time.max,
                                                      tzinfo=timezone.get_current_timezone())
            fig = figures.compute(group, min(now, end_of_period))
            row = {"metric": metric.code, "unit": unit_code, "period": key, "numerator": getattr(fig, num_field)}
            if den_field is not None:
                row["denominator"] = getattr(fig, den_field)
                if not row["denominator"]:
                    continue  # nothing due yet: no rate for this period
            out.append(row)
    return out


def sync(start: datetime.date, end: datetime.date, *, now: datetime.datetime | None = None) -> dict:
    """Store the feedback figures of [start, end] (all or nothing). Returns the counts of
    `store_observations` ({created, corrected, unchanged}); nothing when the source is inactive."""
    from . import actions

    system = source_system()
    if not system.is_active:
        return {"created": 0, "corrected": 0, "unchanged": 0}
    metrics = list(system.metrics.filter(code__in=FIGURES))
    batch = rows(start, end, metrics=metrics, now=now)
    if not batch:
        return {"created": 0, "corrected": 0, "unchanged": 0}
    with transaction.atomic():
        return actions.store_observations(acting_user=None, rows=batch, source=CODE, source_system=system)


def recent(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(weeks=WEEKS_BACK), today


def whole_history(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    from dxboard.feedback.models import Assignment

    first = Assignment.objects.order_by("assigned_at").values_list("assigned_at", flat=True).first()
    return (timezone.localtime(first).date() if first else today), today


@scheduler
def schedule(now: datetime.datetime) -> int:
    """Once a day: the last WEEKS_BACK weeks (dedupe key per day)."""
    _job, created = enqueue(KIND, {"scope": "recent"}, dedupe_key=f"{KIND}:{timezone.localtime(now).date()}")
    return int(created)


def request_now(*, acting_user) -> bool:
    """On demand (the office): recompute the whole history in the worker. False if one is already queued."""
    from .actions import _require_admin

    _require_admin(acting_user)
    from dxboard.jobs.models import Job

    if Job.objects.filter(kind=KIND, payload__scope="all", status=Job.Status.QUEUED).exists():
        return False
    enqueue(KIND, {"scope": "all"})
    record(actor=acting_user, action="kpi.feedback.request", obj=source_system(), after={"scope": "all"})
    return True


@handler(KIND)
def run_sync(job) -> None:
    today = timezone.localdate()
    start, end = whole_history(today) if job.payload.get("scope") == "all" else recent(today)
    sync(start, end)
