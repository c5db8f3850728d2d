"""Roll-ups of a metric across units and over time, from numerators and denominators.

The province's rate is Σ numerators / Σ denominators over its units, never the mean of the units'
rates. Over time a unit's series is summarised by the metric's aggregation: rate of sums (flows:
documents, applications), last value (stocks: share of officials holding a signature) or mean.

Pure functions work on lists of (numerator, denominator) pairs — denominator None for counts and
scores; the queryset versions push the sums into the database (index `kpi_obs_preferred`); they read
only the preferred source's value of each metric × unit × period (priority.py), so nothing counts twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Sum


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


def combine(pairs: Iterable[tuple[float, float | None]], *, rate: bool = True) -> Figure | None:
    """Σ numerators / Σ denominators (a rate), or Σ numerators (a count). None for no data."""
    pairs = list(pairs)
    if not pairs:
        return None
    num = sum(p[0] for p in pairs)
    if not rate:
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
        values = [v for v in values if v is not None]
        if not values:
            return None
        return Figure(sum(values) / len(values), None, len(values))
    return combine([(n, d) for _p, n, d in series], rate=rate)


def across_units(rows: Iterable[tuple[object, object, float, float | None]], how: str = "sum", *,
                 rate: bool = True) -> Figure | None:
    """Province figure from rows (unit, period_start, numerator, denominator) over a span: each unit's
    series summarised by `how`, then Σ over units (for `mean`, the mean of the units' means)."""
    by_unit: dict = defaultdict(list)
    for unit, start, num, den in rows:
        by_unit[unit].append((start, num, den))
    figures = [f for f in (over_time(s, how, rate=rate) for s in by_unit.values()) if f is not None]
    if not figures:
        return None
    if how == "mean":
        return Figure(sum(f.numerator for f in figures) / len(figures), None, len(figures))
    return combine([(f.numerator, f.denominator) for f in figures], rate=rate)


def by_period(rows: Iterable[tuple[object, float, float | None]], *, rate: bool = True) -> dict:
    """{period_start: Figure} from rows (period_start, numerator, denominator) of many units."""
    grouped: dict = defaultdict(list)
    for start, num, den in rows:
        grouped[start].append((num, den))
    return {k: combine(v, rate=rate) for k, v in sorted(grouped.items(), key=lambda kv: kv[0])}


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


def series(metric, start=None, end=None, **filters) -> dict:
    """{period_start: Figure}: the province (or a unit kind's) rate per period, summed in the database."""
    rows = (counted(metric, start, end, **filters).values("period_start")
            .annotate(n=Sum("numerator"), d=Sum("denominator"), c=Count("numerator")).order_by("period_start"))
    return {r["period_start"]: Figure(r["n"], r["d"] if metric.is_rate else None, r["c"]) for r in rows}


def province(metric, start=None, end=None, **filters) -> Figure | None:
    """One figure for the span. Rate of sums is one SUM query; last/mean read per-unit series."""
    how = metric.time_aggregation
    if how == "sum":
        row = counted(metric, start, end, **filters).aggregate(n=Sum("numerator"), d=Sum("denominator"),
                                                                c=Count("numerator"))  # index-only
        if not row["c"]:
            return None
        return Figure(row["n"], row["d"] if metric.is_rate else None, row["c"])
    rows = counted(metric, start, end, **filters).values_list("unit_id", "period_start", "numerator", "denominator")
    return across_units(rows, how, rate=metric.is_rate)


def per_unit(metric, start=None, end=None, **filters) -> dict:
    """{unit_id: Figure}: each unit's figure over the span, by the metric's aggregation."""
    how = metric.time_aggregation
    if how == "sum":
        rows = (counted(metric, start, end, **filters).values("unit_id")
                .annotate(n=Sum("numerator"), d=Sum("denominator"), c=Count("numerator")))
        return {r["unit_id"]: Figure(r["n"], r["d"] if metric.is_rate else None, r["c"]) for r in rows}
    grouped: dict = defaultdict(list)
    for unit_id, start_, num, den in counted(metric, start, end, **filters).values_list(
            "unit_id", "period_start", "numerator", "denominator"):
        grouped[unit_id].append((start_, num, den))
    return {u: f for u, s in grouped.items() if (f := over_time(s, how, rate=metric.is_rate)) is not None}
