"""Which source counts when several report the same metric × unit × period.

Every source keeps its own current row (the push, a pull, an upload, a manual entry, the feedback
module, the demo); exactly one of them is *preferred* (`Observation.is_preferred`) and every reader —
roll-ups, league, alerts, index feed, series API, dashboards — reads only preferred rows. So a figure
reported by two sources is counted once.

Order: the metric's `source_order` (codes, preferred first), then the source's priority (lower first:
`SourceSystem.priority`, 100 by default; the built-in sources below), then the code (a stable tie-break).

The flag is kept when rows are written (`store_observations` decides it from the rows it already reads),
so a roll-up stays one SUM over the partial unique index `kpi_obs_preferred` — no per-key ranking at
read time. `refresh()` recomputes it after the office changes a priority or a metric's order.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Exists, OuterRef

# Sources that are not a SourceSystem row: a file from a unit, an officer's entry, generated demo data.
BUILTIN = {"upload": 200, "manual": 300, "demo": 900}
UNKNOWN = 500


class Ranker:
    """Sort keys of (metric, source) pairs; reads the priorities once."""

    def __init__(self, metrics=None):
        from .models import Metric, SourceSystem

        self.system = dict(SourceSystem.objects.values_list("code", "priority"))
        qs = Metric.objects.all() if metrics is None else Metric.objects.filter(pk__in=[getattr(m, "pk", m)
                                                                                      for m in metrics])
        self.order = {pk: list(order or []) for pk, order in qs.values_list("pk", "source_order")}

    def key(self, metric_id: int, source: str) -> tuple:
        order = self.order.get(metric_id, [])
        listed = order.index(source) if source in order else len(order)
        return listed, self.system.get(source, BUILTIN.get(source, UNKNOWN)), source


@transaction.atomic
def refresh(metrics=None, *, source: str | None = None) -> int:
    """Recompute the preferred row of every metric × unit × period of `metrics` (all by default; only
    the keys `source` reports, when given) that has current rows from more than one source (a key with
    one source is always that source). Returns the number of rows whose flag changed."""
    from .models import Observation

    ranker = Ranker(metrics)
    qs = Observation.objects.filter(is_current=True)
    if metrics is not None:
        qs = qs.filter(metric__in=metrics)
    keys = qs
    if source is not None:
        rival = Observation.objects.filter(is_current=True, metric=OuterRef("metric"), unit=OuterRef("unit"),
                                           period_start=OuterRef("period_start")).exclude(source=source)
        keys = qs.filter(source=source).filter(Exists(rival))
    shared = keys.values("metric_id", "unit_id", "period_start").annotate(n=Count("pk"))
    if source is None:
        shared = shared.filter(n__gt=1)
    changed = 0
    for key in shared.iterator():
        rows = list(qs.filter(metric_id=key["metric_id"], unit_id=key["unit_id"], period_start=key["period_start"])
                    .values_list("pk", "source", "is_preferred"))
        best = min(rows, key=lambda r: ranker.key(key["metric_id"], r[1]))[0]
        losers = [pk for pk, _s, preferred in rows if preferred and pk != best]
        if losers:  # clear first: the unique index admits one preferred row at a time
            Observation.objects.filter(pk__in=losers).update(is_preferred=False)
        if not next(p for pk, _s, p in rows if pk == best):
            Observation.objects.filter(pk=best).update(is_preferred=True)
            changed += 1
        changed += len(losers)
    return changed


def plan(new_rows: list, others: dict, ranker: Ranker) -> list[int]:
    """Set `is_preferred` on unsaved rows of one batch (one source) against the current rows of other
    sources {(metric_id, unit_id, period_start): [(pk, source, is_preferred)]}; returns the pks of
    those rows that lose the flag."""
    demoted = []
    for row in new_rows:
        rivals = others.get((row.metric_id, row.unit_id, row.period_start), [])
        mine = ranker.key(row.metric_id, row.source)
        row.is_preferred = all(mine < ranker.key(row.metric_id, s) for _pk, s, _p in rivals)
        if row.is_preferred:
            demoted.extend(pk for pk, _s, preferred in rivals if preferred)
    return demoted


def group_rivals(rows) -> dict:
    grouped: dict = defaultdict(list)
    for pk, metric_id, unit_id, start, source, preferred in rows:
        grouped[(metric_id, unit_id, start)].append((pk, source, preferred))
    return grouped
