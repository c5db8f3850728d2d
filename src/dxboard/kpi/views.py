"""KPI pages: the province overview, a unit's page, a metric's page, the weekly league table, manual
entry and upload. Thin: figures come from rollup.py, changes from actions.py. A unit the person may
not see answers 404."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dxboard.accounts.permissions import is_admin
from dxboard.core import imports
from dxboard.core.uploads import UploadError
from dxboard.units.models import Unit, UnitKind

from . import actions, dashboards, exports, feedback_feed, periods, rollup, upload
from .dashboards import _reader, _status, _visible_units, _window, fmt, sparkline
from .filtersets import ObservationFilterSet
from .forms import (
    AlertRuleForm,
    EntryForm,
    MetricForm,
    PullEndpointForm,
    SourceSystemEditForm,
    SourceSystemForm,
    TargetFormSet,
    UploadForm,
)
from .models import MANUAL, UPLOAD, Alert, AlertRule, FetchLog, Metric, Observation, PullEndpoint, SourceSystem


@login_required
def overview(request):
    reader = _reader(request.user)
    rows = dashboards.overview_rows(request.user, timezone.localdate())
    alerts = Alert.objects.restrict(request.user).select_related("rule__metric", "unit")[:20]
    return render(request, "kpi/overview.html", {"rows": rows, "reader": reader, "alerts": alerts,
                                                 "units": _visible_units(request.user)[:200]})


@login_required
def unit_page(request, code):
    unit = get_object_or_404(Unit, code=code)
    if not _may_view(request.user, unit):
        raise Http404
    today = timezone.localdate()
    rows = []
    for metric in Metric.objects.prefetch_related("targets"):
        if metric.unit_kinds and unit.kind not in metric.unit_kinds:
            continue
        start, end = _window(metric, today, unit)
        obs = list(rollup.counted(metric, start, end).filter(unit=unit).order_by("period_start"))
        last = obs[-1] if obs else None
        target = metric.target_for(last.period_start.year if last else today.year, unit.kind)
        rows.append({"metric": metric, "last": last, "shown": fmt(metric, last.value if last else None),
                     "target_shown": fmt(metric, target.value) if target else "—",
                     "status": _status(metric, last.value if last else None, target),
                     "spark": sparkline([o.value for o in obs])})
    alerts = Alert.objects.filter(unit=unit).select_related("rule__metric")[:20]
    return render(request, "kpi/unit.html", {"unit": unit, "rows": rows, "alerts": alerts,
                                             "may_enter": _may(request.user, "add", unit)})


def _may(user, action, unit) -> bool:
    from dxboard.accounts.permissions import can

    return can(user, action, unit, Observation)


def _may_view(user, unit) -> bool:
    return _may(user, "view", unit)


@login_required
def metric_page(request, code):
    metric = get_object_or_404(Metric.objects.prefetch_related("targets"), code=code)
    data = dashboards.metric_data(metric, request.user, timezone.localdate())
    return render(request, "kpi/metric.html", {
        **data, "metric": metric, "spark": sparkline([p["figure"].value for p in data["points"]], width=480, height=80),
        "targets": _targets_shown(metric), "may_edit": is_admin(request.user)})


def _targets_shown(metric) -> list[dict]:
    """The metric's targets as the page shows them: the unit kind by its label, the value as the figures."""
    kinds = dict(UnitKind.choices)
    return [{"year": t.year, "unit_kind": t.unit_kind, "kind_label": kinds.get(t.unit_kind, t.unit_kind),
             "shown": fmt(metric, t.value)} for t in metric.targets.all()]


@login_required
def league(request):
    """Weekly league table of the units on one weekly metric (by default the service index of
    Decision 766), with the change of value and rank since the week before."""
    metrics = Metric.objects.filter(frequency="weekly")
    metric = metrics.filter(code=request.GET.get("metric") or "SERVICE_INDEX").first() or metrics.first()
    if metric is None:
        raise Http404
    week = request.GET.get("week") or ""
    if not week:
        latest = rollup.counted(metric).order_by("-period_start").values_list("period", flat=True).first()
        week = latest or periods.key_for(timezone.localdate(), "weekly")
    try:
        _f, start, _e = periods.parse(week)
    except ValueError as exc:
        raise Http404 from exc
    prev_start = start - datetime.timedelta(days=7)
    visible = _visible_units(request.user)
    now = rollup.per_unit(metric, start, start, units=visible)
    before = rollup.per_unit(metric, prev_start, prev_start, units=visible)
    units = Unit.objects.in_bulk(set(now) | set(before))

    def ranks(figures):
        order = sorted((u for u, f in figures.items() if f.value is not None),
                       key=lambda u: (-figures[u].value if metric.direction == "up" else figures[u].value,
                                      units[u].name))
        return {u: i for i, u in enumerate(order, start=1)}

    rank_now, rank_before = ranks(now), ranks(before)
    rows = []
    for uid, rank in sorted(rank_now.items(), key=lambda kv: kv[1]):
        value, old = now[uid].value, before.get(uid)
        rows.append({"rank": rank, "unit": units[uid], "shown": fmt(metric, value),
                     "change": None if old is None or old.value is None else
                     (value - old.value) * (100 if metric.is_rate else 1),
                     "rank_change": None if uid not in rank_before else rank_before[uid] - rank})
    return render(request, "kpi/league.html", {"metric": metric, "metrics": metrics, "week": week,
                                               "weeks": _weeks_with_data(metric, week),
                                               "previous": periods.key_for(prev_start, "weekly"), "rows": rows})


def _weeks_with_data(metric, week: str) -> list[str]:
    """The weeks the league can show (those with figures, latest first), for the week picker."""
    weeks = list(rollup.counted(metric).order_by("-period_start").values_list("period", flat=True).distinct()[:52])
    return weeks if week in weeks else [week, *weeks]


@login_required
def entry(request):
    units = _visible_units(request.user, "add")
    if not units.exists():
        raise Http404
    form = EntryForm(request.POST or None, units=units, initial={"unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            counts = actions.enter_observation(acting_user=request.user, metric=d["metric"], unit=d["unit"],
                                               period=d["period"], numerator=d["numerator"],
                                               denominator=d["denominator"])
        except actions.BatchErrors as exc:
            for _n, message, _field in exc.errors:
                form.add_error(None, message)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved: %(created)s new, %(corrected)s corrected, %(unchanged)s unchanged.")
                             % counts)
            return redirect("kpi:unit", d["unit"].code)
    return render(request, "kpi/entry.html", {"form": form})


@login_required
def template_xlsx(request, code):
    metric = get_object_or_404(Metric, code=code)
    units = _visible_units(request.user, "add")
    if metric.unit_kinds:
        units = units.filter(kind__in=metric.unit_kinds)
    period = periods.key_for(timezone.localdate(), metric.frequency)
    response = HttpResponse(upload.template(metric, units, period),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="kpi-{metric.code}.xlsx"'
    return response


@login_required
def upload_page(request):
    """Upload → preview (the problems of each row) → confirm (the file checked again, all or nothing), through
    core.imports. Not `imports.handle`: this page also takes CSV, which the platform's upload check does not
    read as a workbook (upload.checked_bytes)."""
    if not _visible_units(request.user, "add").exists():
        raise Http404
    importer = upload.KPI_IMPORT
    form = UploadForm(request.POST or None, request.FILES or None)
    page = {"form": form, "importer": importer, "metrics": Metric.objects.all()}
    if request.method == "POST" and request.POST.get("token"):
        staged = imports.unstage(request.session, importer, request.POST["token"])
        if staged is None:
            messages.error(request, _("This preview has expired; upload the file again."))
            return redirect("kpi:upload")
        try:
            counts = imports.apply(importer, *staged, acting_user=request.user)
        except imports.ImportRefused as exc:
            page.update(preview=exc.preview, form=UploadForm())  # a new upload, not a form missing its file
            return render(request, "kpi/upload.html", page)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
            return redirect("kpi:upload")
        messages.success(request, _("Saved: %(created)s new, %(corrected)s corrected, %(unchanged)s unchanged.")
                         % counts)
        return redirect("kpi:overview")
    if request.method == "POST" and form.is_valid():
        try:
            data, kind = upload.checked_bytes(form.cleaned_data["file"])
        except UploadError as exc:
            form.add_error("file", str(exc))
            return render(request, "kpi/upload.html", page)
        context = {"kind": kind, "user": request.user.pk}
        page["preview"] = preview = importer.parse(data, context)
        if preview.ok:
            page["token"] = imports.stage(request.session, importer, data, context)
    return render(request, "kpi/upload.html", page)


def _require_admin(request):
    if not is_admin(request.user):
        raise Http404


@login_required
def metric_edit(request, code=None):
    """The standing office edits a definition and its targets (or adds a metric)."""
    _require_admin(request)
    metric = get_object_or_404(Metric, code=code) if code else Metric()
    form = MetricForm(request.POST or None, instance=metric)
    targets = TargetFormSet(request.POST or None, instance=metric if metric.pk else Metric())
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        metric = actions.save_metric(acting_user=request.user, metric=form.save(commit=False), targets=targets)
        messages.success(request, _("Saved."))
        return redirect("kpi:metric", metric.code)
    return render(request, "kpi/metric_edit.html", {"form": form, "targets": targets, "metric": metric})


@login_required
def sources(request):
    """Source systems (token shown once on creation or rotation), pull endpoints and their fetches."""
    _require_admin(request)
    form, token = SourceSystemForm(request.POST or None), None
    if request.method == "POST" and "feedback_sync" in request.POST:
        if feedback_feed.request_now(acting_user=request.user):
            messages.success(request, _("The figures of citizen feedback will be recomputed by the worker."))
        else:
            messages.info(request, _("A recomputation is already waiting for the worker."))
        return redirect("kpi:sources")
    if request.method == "POST" and "rotate" in request.POST:
        system = get_object_or_404(SourceSystem, pk=request.POST["rotate"])
        token = actions.rotate_token(acting_user=request.user, source_system=system)
        form = SourceSystemForm()
    elif request.method == "POST" and form.is_valid():
        if SourceSystem.objects.filter(code=form.cleaned_data["code"]).exists():
            form.add_error("code", _("This code is taken."))
        else:
            _system, token = actions.create_source_system(acting_user=request.user, **form.cleaned_data)
            form = SourceSystemForm()
    systems = SourceSystem.objects.prefetch_related("metrics", "endpoints")
    fetches = FetchLog.objects.select_related("endpoint__source")[:30]
    return render(request, "kpi/sources.html", {"form": form, "token": token, "systems": systems,
                                                "fetches": fetches})


@login_required
def history(request):
    """Observations the person may see, filtered (the same FilterSet as the API), with corrections."""
    queryset = Observation.objects.restrict(request.user).select_related("metric", "unit", "entered_by") \
        .order_by("metric__code", "unit__code", "-period_start", "-pk")
    filterset = ObservationFilterSet(request.GET or None, queryset=queryset)
    rows = list(filterset.qs[:500]) if filterset.is_valid() else []
    names = {MANUAL: _("Manual entry"), UPLOAD: _("File upload"),
             **dict(SourceSystem.objects.values_list("code", "name"))}
    for o in rows:
        o.source_name = names.get(o.source, o.source)
    return render(request, "kpi/history.html", {"filterset": filterset, "rows": rows})


@login_required
def source_edit(request, pk):
    """Name, priority (which source counts when two report the same figure), active, metrics."""
    _require_admin(request)
    system = get_object_or_404(SourceSystem, pk=pk)
    form = SourceSystemEditForm(request.POST or None, instance=system)
    if request.method == "POST" and form.is_valid():
        actions.save_source_system(acting_user=request.user, source_system=form.save(commit=False),
                                   metrics=form.cleaned_data["metrics"])
        messages.success(request, _("Saved."))
        return redirect("kpi:sources")
    return render(request, "kpi/edit.html", {"form": form, "title": _("Source system %(name)s") % {"name": system.name},
                                             "back": "kpi:sources"})


def _toggle(request, obj):
    try:
        actions.set_active(acting_user=request.user, obj=obj, active=request.POST.get("active") == "1")
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))


def _endpoint_saved(request, form) -> bool:
    """Save a valid endpoint form; a URL the SSRF guard refuses becomes the form's error on `url`."""
    try:
        actions.save_endpoint(acting_user=request.user, endpoint=form.save(commit=False))
    except actions.ActionError as exc:
        form.add_error("url", str(exc))
        return False
    messages.success(request, _("Saved."))
    return True


@login_required
def endpoints(request):
    """Pull endpoints: list, add (the URL passes the SSRF guard), enable/disable; the latest fetches."""
    _require_admin(request)
    form = PullEndpointForm(request.POST or None) if "toggle" not in request.POST else PullEndpointForm()
    if request.method == "POST" and "toggle" in request.POST:
        _toggle(request, get_object_or_404(PullEndpoint, pk=request.POST["toggle"]))
        return redirect("kpi:endpoints")
    if request.method == "POST" and form.is_valid() and _endpoint_saved(request, form):
        return redirect("kpi:endpoints")
    rows = PullEndpoint.objects.select_related("source").order_by("source__code", "pk")
    fetches = FetchLog.objects.select_related("endpoint__source")[:30]
    return render(request, "kpi/endpoints.html", {"form": form, "rows": rows, "fetches": fetches})


@login_required
def endpoint_edit(request, pk):
    _require_admin(request)
    endpoint = get_object_or_404(PullEndpoint, pk=pk)
    form = PullEndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid() and _endpoint_saved(request, form):
        return redirect("kpi:endpoints")
    return render(request, "kpi/edit.html", {"form": form, "title": _("Pull endpoint"), "back": "kpi:endpoints"})


@login_required
def alert_rules(request):
    """Alert rules: list, add, enable/disable (a rule per metric: below a threshold or the target)."""
    _require_admin(request)
    form = AlertRuleForm(request.POST or None) if "toggle" not in request.POST else AlertRuleForm()
    if request.method == "POST" and "toggle" in request.POST:
        _toggle(request, get_object_or_404(AlertRule, pk=request.POST["toggle"]))
        return redirect("kpi:alert-rules")
    if request.method == "POST" and form.is_valid():
        actions.save_alert_rule(acting_user=request.user, rule=form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("kpi:alert-rules")
    rows = list(AlertRule.objects.select_related("metric").order_by("metric__position", "metric__code", "pk"))
    for rule in rows:
        rule.threshold_shown = None if rule.threshold is None else fmt(rule.metric, rule.threshold)
    return render(request, "kpi/alert_rules.html", {"form": form, "rows": rows})


@login_required
def alert_rule_edit(request, pk):
    _require_admin(request)
    rule = get_object_or_404(AlertRule, pk=pk)
    form = AlertRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        actions.save_alert_rule(acting_user=request.user, rule=form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("kpi:alert-rules")
    return render(request, "kpi/edit.html", {"form": form, "title": _("Alert rule"), "back": "kpi:alert-rules"})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def overview_export(request, fmt):
    """The province overview as XLSX or DOCX (the figures of the page)."""
    today = timezone.localdate()
    with translation.override("vi"):  # an administrative document, in Vietnamese whatever the page's language
        return _overview_file(request.user, today, fmt)


def _overview_file(user, today, fmt) -> HttpResponse:
    rows = dashboards.overview_rows(user, today)
    if fmt == "xlsx":
        return _download(exports.overview_xlsx(rows, today), exports.XLSX, f"kpi-tong-quan-{today:%Y%m%d}.xlsx")
    return _download(exports.overview_docx(rows, today), exports.DOCX, f"kpi-tong-quan-{today:%Y%m%d}.docx")


@login_required
def metric_export(request, code, fmt):
    """A metric's page as XLSX or DOCX: province series, units ranked (those the person may see)."""
    metric = get_object_or_404(Metric.objects.prefetch_related("targets"), code=code)
    today = timezone.localdate()
    with translation.override("vi"):  # an administrative document, in Vietnamese whatever the page's language
        return _metric_file(metric, request.user, today, fmt)


def _metric_file(metric, user, today, fmt) -> HttpResponse:
    data = dashboards.metric_data(metric, user, today)
    if fmt == "xlsx":
        return _download(exports.metric_xlsx(metric, data, today), exports.XLSX, f"kpi-{metric.code}.xlsx")
    return _download(exports.metric_docx(metric, data, today), exports.DOCX, f"kpi-{metric.code}.docx")
