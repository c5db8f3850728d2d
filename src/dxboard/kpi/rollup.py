"""Roll-ups of a metric across units and over time, by the metric's kind (models.Kind).

Across units (the province, a unit kind): a rate is Σ numerators / Σ denominators of the units, never
the mean of their rates; a count is the sum of the units' counts; a score (an index on a 0–100 scale) is
the arithmetic mean of the units' scores, unweighted — adding scores up is meaningless. Over time a
unit's series is summarised by the metric's aggregation: rate of sums (flows: documents, applications),
last value (stocks: share of officials holding a signature) or mean (scores are never summed over time).
`combine` is the one rule across units; every page, export, API and panel reads figures from here.

Pure functions work on lists of (numerator, denominator) pairs — denominator None for counts and
scores; the queryset versions push the sums into the database (index `kpi_obs_preferred`); they read
only the preferred source's value of each metric × unit × period (priority.py), so nothing counts twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, Sum

RATE, COUNT, SCORE = "rate", "count", "score"


@dataclass(frozen=True)
class Figure:
    numerator: float
    denominator: float | None
    count: int = 1

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return self.numerator
        return self.numerator / self.denominator if self.denominator else None


def _mean(values: list[float], count: int) -> Figure | None:
    return Figure(sum(values) / len(values), None, count) if values else None


def combine(pairs: Iterable[tuple[float, float | None]], kind: str = RATE) -> Figure | None:
    """Several units' figures (numerator, denominator) of one span as one, by the metric's `kind`:
    Σ numerators / Σ denominators (rate), Σ numerators (count), the mean of the values (score; also a
    rate whose units' figures are already means over time, without denominators). None for no data."""
    pairs = list(pairs)
    if not pairs:
        return None
    if kind == SCORE or (kind == RATE and any(d is None for _n, d in pairs)):
        values = [v for v in (Figure(n, d).value for n, d in pairs) if v is not None]
        return _mean(values, len(pairs))
    num = sum(p[0] for p in pairs)
    if kind == COUNT:
        return Figure(num, None, len(pairs))
    return Figure(num, sum(p[1] or 0 for p in pairs), len(pairs))


def over_time(series: list[tuple[object, float, float | None]], how: str, *, rate: bool = True) -> Figure | None:
    """Summarise one unit's series [(period_start, numerator, denominator)] over a span of time."""
    if not series:
        return None
    series = sorted(series, key=lambda s: s[0])
    if how == "last":
        _p, num, den = series[-1]
        return Figure(num, den if rate else None, 1)
    if how == "mean":
        values = [Figure(n, d if rate else None).value for _p, n, d in series]
        return _mean([v for v in values if v is not None], len(series))
    return combine([(n, d) for _p, n, d in series], RATE if rate else COUNT)


def across_units(rows: Iterable[tuple[object, object, float, float | None]], how: str = "sum",
                 kind: str = RATE) -> Figure | None:
    """Province figure from rows (unit, period_start, numerator, denominator) over a span: each unit's
    series summarised over time by `how`, then the units combined by `kind`."""
    by_unit: dict = defaultdict(list)
    for unit, start, num, den in rows:
        by_unit[unit].append((start, num, den))
    figures = [f for f in (over_time(s, how, rate=kind == RATE) for s in by_unit.values()) if f is not None]
    return combine([(f.numerator, f.denominator) for f in figures], kind)


def by_period(rows: Iterable[tuple[object, float, float | None]], kind: str = RATE) -> dict:
    """{period_start: Figure} from rows (period_start, numerator, denominator) of many units."""
    grouped: dict = defaultdict(list)
    for start, num, den in rows:
        grouped[start].append((num, den))
    return {k: combine(v, kind) for k, v in sorted(grouped.items(), key=lambda kv: kv[0])}


# --- queryset versions -------------------------------------------------------------------------------

def counted(metric, start=None, end=None, *, unit_kind: str | None = None, units=None):
    """The observations of `metric` whose period starts in [start, end] that readers count: one per
    unit × period, the current value of the preferred source (priority.py). The filter matches the
    partial index `kpi_obs_preferred` (metric, period_start, unit) WHERE is_preferred."""
    from .models import Observation

    qs = Observation.objects.filter(metric=metric, is_preferred=True)
    if start is not None:
        qs = qs.filter(period_start__gte=start)
    if end is not None:
        qs = qs.filter(period_start__lte=end)
    if unit_kind:
        qs = qs.filter(unit__kind=unit_kind)
    if units is not None:
        qs = qs.filter(unit__in=units)
    return qs


def _sums(metric) -> dict:
    """The database's version of `combine` for one period's rows: sums, or the mean for a score."""
    n = Avg("numerator") if metric.kind == SCORE else Sum("numerator")
    return {"n": n, "d": Sum("denominator"), "c": Count("numerator")}


def _figure(metric, row) -> Figure:
    return Figure(row["n"], row["d"] if metric.is_rate else None, row["c"])


def series(metric, start=None, end=None, **filters) -> dict:
    """{period_start: Figure}: the province (or a unit kind's) figure per period, by the metric's kind,
    computed in the database."""
    rows = (counted(metric, start, end, **filters).values("period_start").annotate(**_sums(metric))
            .order_by("period_start"))
    return {r["period_start"]: _figure(metric, r) for r in rows}


def province(metric, start=None, end=None, **filters) -> Figure | None:
    """One figure for the span: each unit's series over time by the metric's aggregation, then the units
    by its kind. A rate or count of sums is one SUM query (index-only); the others read per-unit series."""
    how = metric.over_time
    if how == "sum":
        row = counted(metric, start, end, **filters).aggregate(**_sums(metric))
        return _figure(metric, row) if row["c"] else None
    rows = counted(metric, start, end, **filters).values_list("unit_id", "period_start", "numerator", "denominator")
    return across_units(rows, how, metric.kind)


def per_unit(metric, start=None, end=None, **filters) -> dict:
    """{unit_id: Figure}: each unit's figure over the span, by the metric's aggregation over time."""
    how = metric.over_time
    if how == "sum":
        rows = (counted(metric, start, end, **filters).values("unit_id")
                .annotate(n=Sum("numerator"), d=Sum("denominator"), c=Count("numerator")))
        return {r["unit_id"]: _figure(metric, r) for r in rows}
    grouped: dict = defaultdict(list)
    for unit_id, start_, num, den in counted(metric, start, end, **filters).values_list(
            "unit_id", "period_start", "numerator", "denominator"):
        grouped[unit_id].append((start_, num, den))
    return {u: f for u, s in grouped.items() if (f := over_time(s, how, rate=metric.is_rate)) is not None}
