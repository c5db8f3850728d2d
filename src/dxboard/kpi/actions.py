"""Every change to the KPI data: atomic, audited, permission-checked.

All three ingestion paths (push API, pull, upload) and manual entry end in `store_observations`, which
validates a batch first and stores nothing if any row is wrong. It upserts on (metric, unit, period,
source): a new value for a key already held keeps the old row (is_current=False, superseded_by the
new one), so a late correction never erases what was reported before. Alerts are checked afterwards.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_noop

from dxboard.accounts.models import Membership, Role
from dxboard.accounts.permissions import can, is_admin
from dxboard.audit.log import record, snapshot
from dxboard.core import netguard
from dxboard.core.i18n import Message, choice_label, named, number
from dxboard.core.notify import notify
from dxboard.units.models import Unit

from . import periods, priority
from .models import MANUAL, Alert, AlertRule, Metric, Observation, PullEndpoint, SourceSystem


class ActionError(ValueError):
    """A refused action, with a message in the language of whoever reads it."""


class NotAllowed(ActionError, PermissionError):
    pass


def _msg(message: str, params: dict | None = None) -> str:
    return Message(message, params)


@dataclass
class BatchErrors(ActionError):
    """Row errors of a batch: [(row number, message, field)] — field the key of the value at fault, "" for
    the row as a whole. Nothing was stored."""

    errors: list = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{n}: {m}" for n, m, _field in self.errors[:20])


@dataclass
class Clean:
    metric: Metric
    unit: Unit
    period: str
    start: datetime.date
    end: datetime.date
    numerator: float
    denominator: float | None


def _number(raw, name: str, errors: list, row: int, required: bool = True):
    if raw in (None, ""):
        if required:
            errors.append((row, _msg(gettext_noop("“%(field)s” is missing."), {"field": name}), name))
        return None
    try:
        value = float(str(raw).replace(",", ".")) if not isinstance(raw, (int, float)) else float(raw)
    except ValueError:
        errors.append((row, _msg(gettext_noop("“%(field)s”: “%(value)s” is not a number."),
                                 {"field": name, "value": raw}), name))
        return None
    if math.isnan(value) or math.isinf(value) or value < 0:
        errors.append((row, _msg(gettext_noop("“%(field)s” must be a number, not negative."), {"field": name}),
                       name))
        return None
    return value


def validate(rows: list[dict], *, allowed_metrics=None, user=None) -> tuple[list[Clean], list]:
    """Check every row of a batch: {metric, unit, period, numerator, denominator}. Returns the clean rows
    and [(row number from 1, message, field)] (field as in BatchErrors: an upload shows its column).
    `allowed_metrics` (codes) limits a source system; `user` limits a person to the units they may add
    figures for."""
    metric_codes = {str(r.get("metric", "")).strip() for r in rows}
    unit_codes = {str(r.get("unit", "")).strip() for r in rows}
    metrics = {m.code: m for m in Metric.objects.filter(code__in=metric_codes)}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes).only("pk", "code", "kind", "name",
                                                                            "parent_id")}
    clean, errors, seen = [], [], set()
    for i, raw in enumerate(rows, start=1):
        n_errors = len(errors)
        code = str(raw.get("metric", "")).strip()
        metric = metrics.get(code)
        if metric is None:
            errors.append((i, _msg(gettext_noop("Unknown metric “%(code)s”."), {"code": code}), "metric"))
        elif allowed_metrics is not None and code not in allowed_metrics:
            errors.append((i, _msg(gettext_noop("This source may not write metric “%(code)s”."), {"code": code}),
                           "metric"))
        unit = units.get(str(raw.get("unit", "")).strip())
        if unit is None:
            errors.append((i, _msg(gettext_noop("Unknown unit “%(code)s”."), {"code": raw.get("unit", "")}), "unit"))
        elif user is not None and not can(user, "add", unit, Observation):
            errors.append((i, _msg(gettext_noop("You may not enter figures for %(unit)s."), {"unit": unit}), "unit"))
        period = str(raw.get("period", "")).strip().upper()
        try:
            frequency, start, end = periods.parse(period)
        except ValueError:
            errors.append((i, _msg(gettext_noop("“%(value)s” is not a period (2026-W05, 2026-03, 2026-Q1, 2026)."),
                                   {"value": raw.get("period", "")}), "period"))
            frequency = start = end = None
        if metric is not None and frequency is not None and frequency != metric.frequency:
            errors.append((i, _msg(gettext_noop("Metric %(code)s is reported %(frequency)s, not “%(value)s”."),
                                   {"code": metric.code, "frequency": choice_label(metric, "frequency"),
                                    "value": period}), "period"))
        if metric is not None and unit is not None and metric.unit_kinds and unit.kind not in metric.unit_kinds:
            errors.append((i, _msg(gettext_noop("Metric %(code)s is not reported by a unit of kind %(kind)s."),
                                   {"code": metric.code, "kind": choice_label(unit, "kind")}), "unit"))
        num = _number(raw.get("numerator"), "numerator", errors, i)
        is_rate = metric is not None and metric.is_rate
        den = _number(raw.get("denominator"), "denominator", errors, i, required=is_rate)
        if metric is not None and not is_rate and den is not None:
            errors.append((i, _msg(gettext_noop("Metric %(code)s has no denominator."), {"code": code}), "denominator"))
        if is_rate and num is not None and den is not None and (den == 0 or num > den):
            errors.append((i, _msg(gettext_noop(
                "The numerator must not exceed the denominator, which must not be 0.")), "numerator"))
        key = (code, getattr(unit, "pk", None), period)
        if key in seen:
            errors.append((i, _msg(gettext_noop("The same metric, unit and period appear twice in the batch.")), ""))
        seen.add(key)
        if len(errors) == n_errors:
            clean.append(Clean(metric, unit, period, start, end, num, den if is_rate else None))
    return clean, errors


@transaction.atomic
def store_observations(*, acting_user, rows: list[dict], source: str, source_system: SourceSystem | None = None,
                       is_demo: bool = False, check_alerts: bool = True) -> dict:
    """Validate then upsert a batch, all or nothing. Raises BatchErrors. Returns counts
    {created, corrected, unchanged}."""
    allowed = None
    user = None if acting_user is None or is_admin(acting_user) else acting_user
    if source_system is not None:
        if not source_system.is_active:
            raise NotAllowed(_msg(gettext_noop("This source system is not active.")))
        allowed = set(source_system.metrics.values_list("code", flat=True))
        source = source_system.code
        user = None
    clean, errors = validate(rows, allowed_metrics=allowed, user=user)
    if errors:
        raise BatchErrors(errors)
    existing, rivals = {}, {}
    if clean:
        # The current rows of every source for these keys: this source's (to upsert) and the others' (to
        # decide which one is counted, priority.py).
        found = Observation.objects.filter(
            is_current=True, metric_id__in={c.metric.pk for c in clean},
            unit_id__in={c.unit.pk for c in clean}, period_start__in={c.start for c in clean}).values_list(
            "pk", "metric_id", "unit_id", "period_start", "source", "is_preferred", "numerator", "denominator")
        others = []
        for pk, metric_id, unit_id, start, src, preferred, num, den in found:
            if src == source:
                existing[(metric_id, unit_id, start)] = (pk, num, den)
            else:
                others.append((pk, metric_id, unit_id, start, src, preferred))
        rivals = priority.group_rivals(others)
    entered_by = acting_user if acting_user is not None and acting_user.is_authenticated else None
    new, superseded = [], []
    unchanged = 0
    for c in clean:
        before = existing.get((c.metric.pk, c.unit.pk, c.start))
        if before is not None and before[1] == c.numerator and before[2] == c.denominator:
            unchanged += 1
            continue
        new.append(Observation(metric=c.metric, unit=c.unit, period=c.period, period_start=c.start,
                               period_end=c.end, numerator=c.numerator, denominator=c.denominator,
                               value=Observation.compute_value(c.numerator, c.denominator), source=source,
                               entered_by=entered_by, is_demo=is_demo))
        if before is not None:
            superseded.append(before[0])
    demoted = priority.plan(new, rivals, priority.Ranker({c.metric.pk for c in clean})) if rivals else []
    if not rivals:
        for o in new:  # no other source holds these keys: each new row is the counted one
            o.is_preferred = True
    # Clear the flags first: the unique index `kpi_obs_preferred` admits one counted row per key.
    if superseded:
        Observation.objects.filter(pk__in=superseded).update(is_current=False, is_preferred=False)
    if demoted:
        Observation.objects.filter(pk__in=demoted).update(is_preferred=False)
    created = Observation.objects.bulk_create(new, batch_size=2000)
    if superseded:
        # One UPDATE: each old row points at the current row of its key (just created).
        newer = Observation.objects.filter(metric=OuterRef("metric"), unit=OuterRef("unit"),
                                           period_start=OuterRef("period_start"), source=OuterRef("source"),
                                           is_current=True).values("pk")[:1]
        Observation.objects.filter(pk__in=superseded).update(superseded_by=Subquery(newer))
    counts = {"created": len(created) - len(superseded), "corrected": len(superseded), "unchanged": unchanged}
    target = source_system or (clean[0].unit if clean else None)
    if target is not None and created:
        sample = [{"metric": o.metric.code, "unit": o.unit.code, "period": o.period, "numerator": o.numerator,
                   "denominator": o.denominator} for o in created[:50]]
        record(actor=entered_by, action="kpi.observations.store", obj=target,
               before={"superseded": superseded[:200], "no_longer_counted": demoted[:200]}
               if superseded or demoted else None,
               after={"source": source, **counts, "rows": sample})
    if check_alerts and created:
        check_alerts_for([o for o in created if o.is_preferred])  # a value not counted raises nothing
    return counts


def enter_observation(*, acting_user, metric: Metric, unit: Unit, period: str, numerator, denominator=None) -> dict:
    """Manual entry by a unit officer for their unit (or by the standing office for any unit)."""
    if not can(acting_user, "add", unit, Observation):
        raise NotAllowed(_msg(gettext_noop("You may not enter figures for %(unit)s."), {"unit": unit}))
    return store_observations(acting_user=acting_user, source=MANUAL, rows=[{
        "metric": metric.code, "unit": unit.code, "period": period, "numerator": numerator,
        "denominator": denominator}])


# --- definitions (standing office) -------------------------------------------------------------------

def _require_admin(user) -> None:
    if not is_admin(user):
        raise NotAllowed(_msg(gettext_noop("Only the standing office may do this.")))


def _metric_snapshot(metric):
    if metric is None or metric.pk is None:
        return None
    data = snapshot(metric)
    data["targets"] = [[t.year, t.unit_kind, t.value, t.document]
                       for t in metric.targets.order_by("year", "unit_kind")]
    return data


@transaction.atomic
def save_metric(*, acting_user, metric: Metric, targets=None) -> Metric:
    """Save a definition (and its targets: a bound, valid inline formset). Standing office only."""
    _require_admin(acting_user)
    before = _metric_snapshot(Metric.objects.filter(pk=metric.pk).first()) if metric.pk else None
    metric.save()
    if targets is not None:
        targets.instance = metric
        targets.save()
    if before is not None and before.get("source_order") != metric.source_order:
        priority.refresh([metric])  # another source may now be the counted one
    record(actor=acting_user, action="kpi.metric.save", obj=metric, before=before, after=_metric_snapshot(metric))
    return metric


@transaction.atomic
def create_source_system(*, acting_user, code: str, name: str, metrics=()) -> tuple[SourceSystem, str]:
    """A source system and its token (returned once; only the hash is stored)."""
    _require_admin(acting_user)
    system = SourceSystem(code=code, name=name)
    token = system.new_token()
    system.save()
    system.metrics.set(metrics)
    record(actor=acting_user, action="kpi.source.create", obj=system,
           after={"code": code, "name": name, "metrics": [m.code for m in system.metrics.all()]})
    return system, token


@transaction.atomic
def save_source_system(*, acting_user, source_system: SourceSystem, metrics=None) -> SourceSystem:
    """Save a source system's name, priority, active flag (and the metrics it may write). A new
    priority changes which source counts wherever two report the same figure: recomputed here."""
    _require_admin(acting_user)
    old = SourceSystem.objects.filter(pk=source_system.pk).first()
    before = {**snapshot(old), "metrics": sorted(old.metrics.values_list("code", flat=True))} if old else None
    written = set(old.metrics.all()) if old else set()
    source_system.save()
    if metrics is not None:
        source_system.metrics.set(metrics)
    if old is not None and old.priority != source_system.priority:
        # Only the keys this source reports can change hands (it writes only its allowed metrics).
        written |= set(source_system.metrics.all())
        priority.refresh(written, source=source_system.code)
    after = {**snapshot(source_system), "metrics": sorted(source_system.metrics.values_list("code", flat=True))}
    record(actor=acting_user, action="kpi.source.save", obj=source_system, before=before, after=after)
    return source_system


@transaction.atomic
def rotate_token(*, acting_user, source_system: SourceSystem) -> str:
    _require_admin(acting_user)
    token = source_system.new_token()
    source_system.save(update_fields=["token_hash", "token_prefix"])
    record(actor=acting_user, action="kpi.source.rotate_token", obj=source_system)
    return token


@transaction.atomic
def save_endpoint(*, acting_user, endpoint: PullEndpoint) -> PullEndpoint:
    """Save a pull endpoint (new or edited; also to disable it). Its URL must pass the SSRF guard."""
    _require_admin(acting_user)
    try:
        netguard.check_url(endpoint.url)
    except netguard.UnsafeURL as exc:
        raise ActionError(str(exc)) from exc
    before = snapshot(PullEndpoint.objects.filter(pk=endpoint.pk).first()) if endpoint.pk else None
    endpoint.save()
    record(actor=acting_user, action="kpi.endpoint.save", obj=endpoint, before=before, after=snapshot(endpoint))
    return endpoint


@transaction.atomic
def save_alert_rule(*, acting_user, rule: AlertRule) -> AlertRule:
    """Save an alert rule (new or edited; also to disable it)."""
    _require_admin(acting_user)
    before = snapshot(AlertRule.objects.filter(pk=rule.pk).first()) if rule.pk else None
    rule.save()
    record(actor=acting_user, action="kpi.alert_rule.save", obj=rule, before=before, after=snapshot(rule))
    return rule


@transaction.atomic
def set_active(*, acting_user, obj, active: bool):
    """Enable or disable a pull endpoint or an alert rule (audited as a save). An endpoint is enabled
    only if its URL still passes the SSRF guard."""
    _require_admin(acting_user)
    if obj.is_active == active:
        return obj
    is_endpoint = isinstance(obj, PullEndpoint)
    if is_endpoint and active:
        try:
            netguard.check_url(obj.url)
        except netguard.UnsafeURL as exc:
            raise ActionError(str(exc)) from exc
    before = snapshot(type(obj).objects.get(pk=obj.pk))
    obj.is_active = active
    obj.save(update_fields=["is_active"])
    record(actor=acting_user, action="kpi.endpoint.save" if is_endpoint else "kpi.alert_rule.save", obj=obj,
           before=before, after=snapshot(obj))
    return obj


# --- alerts ------------------------------------------------------------------------------------------

def _threshold(rule: AlertRule, unit: Unit, start: datetime.date) -> float | None:
    if rule.threshold is not None:
        return rule.threshold
    target = rule.metric.target_for(start.year, unit.kind)
    return target.value if target else None


def _figure(metric: Metric, value: float):
    """A value for a notification, written in its reader's language (a rate in percent)."""
    if metric.is_rate:
        return _msg(gettext_noop("%(percent)s %%"), {"percent": number(value * 100, 1)})
    return number(value, 0 if float(value).is_integer() else 1)


def check_alerts_for(observations: list[Observation]) -> int:
    """Raise an alert (once per rule × unit × period) for every new value off track, and notify the
    unit's officers and the standing office. Returns the number of alerts raised."""
    metric_ids = {o.metric_id for o in observations}
    rules: dict = {}
    for rule in AlertRule.objects.filter(metric_id__in=metric_ids, is_active=True).select_related("metric") \
            .prefetch_related("metric__targets"):
        rules.setdefault(rule.metric_id, []).append(rule)
    if not rules:
        return 0
    raised = []
    for obs in observations:
        for rule in rules.get(obs.metric_id, []):
            threshold = _threshold(rule, obs.unit, obs.period_start)
            if threshold is None or obs.value is None or rule.metric.better(obs.value, threshold):
                continue
            alert, created = Alert.objects.get_or_create(rule=rule, unit=obs.unit, period=obs.period,
                                                        defaults={"value": obs.value, "threshold": threshold})
            if created:
                raised.append(alert)
    office = [m.user for m in Membership.objects.filter(role=Role.ADMIN).select_related("user")]
    for alert in raised:
        officers = [m.user for m in Membership.objects.filter(unit=alert.unit, role=Role.OFFICER)
                    .select_related("user")]
        metric = alert.rule.metric
        params = {"metric": named(metric.name, metric.name_en), "unit": named(alert.unit.name, alert.unit.name_en),
                  "period": periods.label(alert.period),
                  "value": _figure(metric, alert.value), "threshold": _figure(metric, alert.threshold)}
        notify(officers + office,
               _msg(gettext_noop("Off track: %(metric)s, %(unit)s, %(period)s"), params),
               _msg(gettext_noop(
                   "%(metric)s of %(unit)s for %(period)s is off track: %(value)s against %(threshold)s."), params),
               reverse("kpi:unit", args=[alert.unit.code]))
        record(actor=None, action="kpi.alert.raise", obj=alert, after={"metric": metric.code, "period": alert.period,
                                                                      "value": alert.value})
    return len(raised)
