"""Bắc Ninh demo of the KPI module: weekly and monthly (and quarterly) series from January 2023 to
today (to `end`) for the demo units: departments and communes in force (from their creation: 1/3/2025 and 1/7/2025),
and the districts of 2023 until their end on 30/6/2025; consistent with the province's reported
figures: more than 90 % of documents exchanged electronically, outgoing documents signed at
91–96 % and rising, work files handled online around the 90 % / 80 % targets. A few communes lag,
so alerts and the league table have something to show.

Deterministic (values come from a seeded generator per metric × unit, never from the clock except for
where the series stops) and idempotent (the same figures are "unchanged" on a second run). Everything
is stored with source `demo` and `is_demo=True`, through `actions.store_observations`.
"""

from __future__ import annotations

import datetime
import random
import zlib

from django.db import transaction
from django.utils import timezone

from dxboard.units.models import Unit, UnitKind

from . import actions, periods
from .models import Metric, PullEndpoint, SourceSystem

START = datetime.date(2023, 1, 2)
SOURCE = "demo"

# metric: (level in 2023 for a department, level for a commune, yearly gain, spread, size of the
# denominator per week/month/quarter for a department and a commune)
PROFILES = {
    "EDOC_SHARE": (0.90, 0.91, 0.015, 0.03, (300, 120)),
    "SIGN_SHARE": (0.912, 0.96, 0.012, 0.025, (220, 80)),
    "DVC_ONLINE_FILED": (0.45, 0.40, 0.10, 0.08, (150, 250)),
    "TTHC_ONTIME": (0.975, 0.97, 0.004, 0.015, (150, 250)),
    "FEEDBACK_ONTIME": (0.85, 0.82, 0.03, 0.06, (6, 12)),
    "WORKFILE_SHARE": (0.86, 0.74, 0.03, 0.05, (900, 400)),
    "PAY_ONLINE": (0.30, 0.25, 0.10, 0.08, (500, 700)),
    "DIGITISED": (0.55, 0.45, 0.15, 0.08, (600, 900)),
    "SIGN_HOLDERS": (0.90, 0.85, 0.03, 0.04, (120, 45)),
    "DVC_FULL_SHARE": (0.45, 0.45, 0.12, 0.10, (120, 0)),
    "VNEID_L2": (0.0, 0.55, 0.15, 0.06, (0, 20000)),
    "EHR_SHARE": (0.0, 0.60, 0.12, 0.06, (0, 25000)),
    "MOOC_DONE": (0.40, 0.30, 0.20, 0.10, (120, 45)),
    "FIBRE_VILLAGES": (0.0, 0.92, 0.03, 0.04, (0, 15)),
    "MOBILE_VILLAGES": (0.0, 0.97, 0.01, 0.02, (0, 15)),
    "FIBRE_HOUSEHOLDS": (0.0, 0.80, 0.05, 0.05, (0, 6000)),
    "EINVOICE": (0.0, 0.88, 0.04, 0.04, (0, 300)),
}
LAGGING = 7  # one commune in LAGGING is behind (seeded by its code)


def _rng(*parts) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def _periods(metric: Metric, start: datetime.date, end: datetime.date) -> list[tuple[str, datetime.date]]:
    out, day = [], start
    while day <= end:
        key = periods.key_for(day, metric.frequency)
        _f, s, e = periods.parse(key)
        if s >= start and e <= end and (not out or out[-1][0] != key):
            out.append((key, s))
        day = e + datetime.timedelta(days=1)
    return out


def _series(metric: Metric, unit: Unit, start: datetime.date, end: datetime.date) -> list[dict]:
    rows = []
    commune = unit.kind == UnitKind.COMMUNE
    seed = _rng(metric.code, unit.code)
    lagging = commune and zlib.crc32(unit.code.encode()) % LAGGING == 0
    if metric.code == "SERVICE_INDEX":
        base = seed.uniform(70, 88) - (8 if lagging else 0)
        for key, s in _periods(metric, start, end):
            years = (s - START).days / 365
            r = _rng(metric.code, unit.code, key)
            rows.append({"metric": metric.code, "unit": unit.code, "period": key,
                         "numerator": round(min(100.0, base + 3 * years + r.gauss(0, 2.5)), 1)})
        return rows
    if metric.code == "EDOC_COUNT":
        size = (420 if not commune else 150) * seed.uniform(0.6, 1.5)
        for key, s in _periods(metric, start, end):
            r = _rng(metric.code, unit.code, key)
            low_week = s.month == 2 and s.day < 15  # Tết
            rows.append({"metric": metric.code, "unit": unit.code, "period": key,
                         "numerator": int(size * (0.4 if low_week else 1) * r.uniform(0.85, 1.15))})
        return rows
    level_d, level_c, gain, spread, sizes = PROFILES[metric.code]
    if unit.kind == UnitKind.DISTRICT:  # between the province's departments and the communes
        level, size = (level_d + level_c) / 2 if level_d else level_c, max(sizes) * 3
    else:
        level, size = (level_c, sizes[1]) if commune else (level_d, sizes[0])
    level += seed.uniform(-spread, spread) - (2 * spread if lagging else 0)
    size *= seed.uniform(0.6, 1.6)
    if size <= 0:
        return rows
    for key, s in _periods(metric, start, end):
        r = _rng(metric.code, unit.code, key)
        years = (s - START).days / 365
        share = min(1.0, max(0.0, level + gain * years + r.gauss(0, spread / 3)))
        den = max(1, int(size * r.uniform(0.8, 1.2)))
        rows.append({"metric": metric.code, "unit": unit.code, "period": key, "numerator": min(den, round(share * den)),
                     "denominator": den})
    return rows


def demo_units():
    """Departments and communes in force, and the districts of 2023 – 30/6/2025 (the level between
    province and commune before the reform; the 313 former communes are left without series)."""
    today = timezone.localdate()
    province = Unit.objects.filter(code="24").first()
    qs = Unit.objects.as_of(today).filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNE])
    current = list(qs.filter(parent=province) if province else qs)
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT, valid_to__gte=START)
    return current + list(districts)


@transaction.atomic
def load_demo(units=None, end: datetime.date | None = None) -> dict:
    """Load the series (and a demo source system with a pull endpoint, inactive). Returns the counts."""
    units = demo_units() if units is None else list(units)
    end = end or timezone.localdate()
    totals = {"created": 0, "corrected": 0, "unchanged": 0}
    for metric in Metric.objects.all():
        if metric.code not in PROFILES and metric.code not in ("SERVICE_INDEX", "EDOC_COUNT"):
            continue
        rows = []
        for unit in units:
            if metric.unit_kinds and unit.kind not in metric.unit_kinds:
                continue
            start = max(START, unit.valid_from or START)
            rows.extend(_series(metric, unit, start, min(end, unit.valid_to or end)))
        for i in range(0, len(rows), 10000):
            counts = actions.store_observations(acting_user=None, rows=rows[i:i + 10000], source=SOURCE,
                                                is_demo=True, check_alerts=False)
            for k in totals:
                totals[k] += counts[k]
    # Alerts of the latest period of each alerted metric (once: alerts are unique per rule × unit × period).
    from .models import AlertRule, Observation

    for rule in AlertRule.objects.filter(is_active=True).select_related("metric"):
        latest = Observation.objects.filter(metric=rule.metric, is_demo=True, is_preferred=True) \
            .order_by("-period_start").values_list("period_start", flat=True).first()
        if latest is not None:
            actions.check_alerts_for(list(Observation.objects.filter(
                metric=rule.metric, is_demo=True, is_preferred=True, period_start=latest).select_related("unit")))
    system, created = SourceSystem.objects.get_or_create(
        code="igate-demo", defaults={"name": "Hệ thống thông tin giải quyết TTHC tỉnh (demo)"})
    if created:
        system.new_token()  # never shown: the demo system does not push
        system.save()
        system.metrics.set(Metric.objects.filter(code__in=["DVC_ONLINE_FILED", "TTHC_ONTIME", "PAY_ONLINE",
                                                           "DIGITISED"]))
        PullEndpoint.objects.create(source=system, url="https://igate.bacninh.gov.vn/api/kpi.json", is_active=False)
    # The demo's citizen feedback (if loaded) feeds its metrics as the source `feedback`, which outranks
    # the generated `demo` series where both exist (priority.py).
    from . import feedback_feed

    feedback_feed.sync(*feedback_feed.whole_history(end), now=timezone.now())
    return totals
