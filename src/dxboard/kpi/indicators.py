"""Values for index indicators whose data source is the KPI series (`source: kpi`).

A mapping names, for each indicator code, the metric and how its series is summarised over the
campaign's period: `sum` (rate of sums: Σ numerators / Σ denominators), `last` (last value) or `mean`
(mean of the period values). A fraction or ratio indicator receives numerator and denominator (so the
index shows where the share comes from); others receive the value. A unit with no observation in the
period is left unanswered, never scored 0.
"""

from __future__ import annotations

import datetime

from . import periods, rollup
from .models import Metric, Observation

# Indicator → (metric, aggregation) for the templates shipped in frameworks/ (by framework code).
_COMMON = {"CQ1": ("EDOC_SHARE", "sum"), "CQ2": ("SIGN_SHARE", "sum"), "CQ3": ("WORKFILE_SHARE", "sum"),
           "HT4": ("SIGN_HOLDERS", "last")}
DEFAULT_MAPPING = {
    "province-commune-template": _COMMON | {
        "HT1": ("FIBRE_VILLAGES", "last"), "HT2": ("MOBILE_VILLAGES", "last"), "CQ4": ("DVC_ONLINE_FILED", "sum"),
        "CQ5": ("TTHC_ONTIME", "sum"), "CQ6": ("DIGITISED", "sum"), "CQ7": ("PAY_ONLINE", "sum"),
        "KT3": ("EINVOICE", "last"), "XH2": ("VNEID_L2", "last"), "XH3": ("FIBRE_HOUSEHOLDS", "last"),
        "XH5": ("EHR_SHARE", "last")},
    "province-department-template": _COMMON | {
        "NL3": ("MOOC_DONE", "last"), "CQ4": ("DVC_FULL_SHARE", "last"), "CQ5": ("DVC_ONLINE_FILED", "sum"),
        "CQ6": ("TTHC_ONTIME", "sum")},
}


def unit_figure(unit, metric: Metric, how: str, start: datetime.date, end: datetime.date):
    """The unit's figure over [start, end] (periods starting in it), or None."""
    rows = (Observation.objects.filter(metric=metric, unit=unit, is_preferred=True, period_start__gte=start,
                                       period_start__lte=end)
            .values_list("period_start", "numerator", "denominator"))
    return rollup.over_time(list(rows), how, rate=metric.is_rate)


def feed_submission(*, acting_user, submission, mapping: dict | None = None) -> int:
    """Fill the answers of `submission` whose indicator has source `kpi` and a metric in `mapping`
    ({indicator code: (metric code, aggregation)}; by default DEFAULT_MAPPING for the framework),
    through `index.actions.save_answer` (audited). Returns the number of answers saved."""
    from dxboard.index import actions as index_actions

    if mapping is None:
        mapping = DEFAULT_MAPPING.get(submission.campaign.framework.code, {})
    if not mapping:
        return 0
    start, end = periods.year_range(submission.campaign.period)
    metrics = {m.code: m for m in Metric.objects.filter(code__in={m for m, _h in mapping.values()})}
    saved = 0
    for answer in submission.answers.select_related("indicator"):
        indicator = answer.indicator
        if indicator.source != "kpi" or indicator.code not in mapping:
            continue
        code, how = mapping[indicator.code]
        metric = metrics.get(code)
        if metric is None:
            continue
        figure = unit_figure(submission.unit, metric, how, start, end)
        if figure is None or figure.value is None:
            continue
        if indicator.rule_type in ("fraction", "ratio") and figure.denominator is not None:
            fields = {"numerator": figure.numerator, "denominator": figure.denominator}
        else:
            fields = {"value": round(figure.value, 6)}
        index_actions.save_answer(acting_user=acting_user, answer=answer, expected_version=answer.version,
                                  comment=f"Lấy từ số liệu vận hành: {metric.name}", **fields)
        saved += 1
    return saved
