"""The figures of the dashboards, shared by the pages and the exports (XLSX, DOCX): the province
overview (each metric's latest value against its target, trend, units off track) and a metric's page
(province series, units ranked, distribution). Figures come from rollup.py (preferred source only)."""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.safestring import mark_safe

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import EVERYTHING, is_admin, roles, scope
from dxboard.units.models import Unit

from . import periods, rollup
from .models import Metric, Observation

TREND_POINTS = 12


def _reader(user) -> bool:
    return is_admin(user) or Role.LEADER in roles(user)


def _visible_units(user, action="view"):
    allowed = scope(user, action, Observation)
    qs = Unit.objects.current().exclude(kind="province")
    return qs if allowed is EVERYTHING else qs.filter(pk__in=allowed or [])


def sparkline(values: list[float | None], width: int = 120, height: int = 28) -> str:
    """A small SVG line (no inline style: presentation attributes only)."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    low, high = min(v for _i, v in points), max(v for _i, v in points)
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    coords = " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in points)
    return mark_safe(  # noqa: S308 — numbers only
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-hidden="true"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{coords}"/></svg>')


def fmt(metric: Metric, value) -> str:
    """A figure as the page's language writes it: a rate in percent, a count or score as a number."""
    if value is None:
        return "—"
    if metric.is_rate:
        return f"{formats.number_format(round(value * 100, 1), 1, use_l10n=True)} %"  # it cuts, not rounds
    decimals = 0 if float(value).is_integer() else 1
    return formats.number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)


def _window(metric: Metric, today: datetime.date, unit=None) -> tuple[datetime.date, datetime.date]:
    """The trend window: TREND_POINTS periods up to the latest period with data (or today)."""
    latest = rollup.counted(metric, units=[unit] if unit is not None else None).order_by("-period_start") \
        .values_list("period_start", flat=True).first()
    today = latest or today
    days = {"weekly": 7 * TREND_POINTS, "monthly": 31 * TREND_POINTS, "quarterly": 92 * 8, "yearly": 366 * 6}
    return today - datetime.timedelta(days=days[metric.frequency]), today


def _status(metric, value, target) -> str:
    if value is None or target is None:
        return ""
    return "on-track" if metric.better(value, target.value) else "off-track"


def overview_rows(user, today: datetime.date) -> list[dict]:
    """One row per metric: latest province value, target, status, trend; the units off track (for the
    office and leaders)."""
    reader = _reader(user)
    rows = []
    for metric in Metric.objects.prefetch_related("targets"):
        start, end = _window(metric, today)
        series = rollup.series(metric, start, end)
        if not series:
            rows.append({"metric": metric, "value": None, "shown": "—", "target_shown": "—", "status": "",
                         "period": None, "series": {}, "off": []})
            continue
        last_start, last = list(series.items())[-1]
        target = metric.target_for(last_start.year)
        off = []
        if reader:
            per_unit = rollup.per_unit(metric, last_start, last_start)
            units = Unit.objects.in_bulk(per_unit.keys())
            for uid, fig in per_unit.items():
                t = metric.target_for(last_start.year, units[uid].kind)
                if fig.value is not None and t is not None and not metric.better(fig.value, t.value):
                    off.append(units[uid])
        rows.append({"metric": metric, "value": last.value, "figure": last, "shown": fmt(metric, last.value),
                     "period_key": periods.key_for(last_start, metric.frequency),
                     "target": target, "target_shown": fmt(metric, target.value) if target else "—",
                     "status": _status(metric, last.value, target), "period": last_start, "series": series,
                     "spark": sparkline([f.value for f in series.values()]),
                     "off": sorted(off, key=lambda u: u.name)})
    return rows


def metric_data(metric: Metric, user, today: datetime.date) -> dict:
    """A metric's province series over the trend window, the units the person may see ranked on the
    latest period, and the distribution of their rates."""
    start, end = _window(metric, today)
    series = rollup.series(metric, start, end)
    keys = dict(rollup.counted(metric, start, end).values_list("period_start", "period").distinct())
    points = [{"period": keys.get(s, s), "start": s, "figure": f, "shown": fmt(metric, f.value)}
              for s, f in series.items()]
    ranked, bins, last_period = [], [0] * 10, None
    if series:
        last_start = list(series)[-1]
        last_period = keys.get(last_start)
        per_unit = rollup.per_unit(metric, last_start, last_start, units=_visible_units(user))
        units = Unit.objects.in_bulk(per_unit.keys())
        ordered = sorted(((units[u], f) for u, f in per_unit.items() if f.value is not None),
                         key=lambda uf: (-uf[1].value if metric.direction == "up" else uf[1].value, uf[0].name))
        ranked = [{"rank": i, "unit": u, "figure": f, "shown": fmt(metric, f.value),
                   "status": _status(metric, f.value, metric.target_for(last_start.year, u.kind))}
                  for i, (u, f) in enumerate(ordered, start=1)]
        if metric.is_rate:
            for r in ranked:
                bins[min(int(r["figure"].value * 10), 9)] += 1
    distribution = [{"label": f"{i * 10}–{i * 10 + 10} %", "count": n} for i, n in enumerate(bins)] \
        if metric.is_rate else []
    return {"points": points, "ranked": ranked, "distribution": distribution, "last_period": last_period}
