"""Pages of the steering programme. Thin: they ask `restrict()` what the person may see, call the
actions and render. Another unit's task answers 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import is_admin, roles
from dxboard.core import imports
from dxboard.core.uploads import UploadError

from . import actions, excel, summary
from .filtersets import TaskFilterSet
from .forms import (
    DecideForm,
    DeclareForm,
    ExtensionForm,
    PlanEditForm,
    PlanImportForm,
    ProgressForm,
    TaskEditForm,
    TaskForm,
)
from .models import (
    CompletionDeclaration,
    Decision,
    ExtensionRequest,
    Plan,
    RecurrenceRule,
    ReportAttachment,
    Task,
)
from .rates import Period, league_table, recent_periods
from .status import DUE_SOON, IN_PROGRESS, LABELS, OVERDUE


def _reader(user) -> bool:
    """The standing office and leaders read everything."""
    return is_admin(user) or Role.LEADER in roles(user)


def _require_reader(request):
    if not _reader(request.user):
        raise Http404


def _require_admin(request):
    if not is_admin(request.user):
        raise Http404


def _tasks(request, action="view"):
    return (Task.objects.restrict(request.user, action).countable().with_status(timezone.localdate())
            .select_related("plan", "lead_unit"))


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- lists -----------------------------------------------------------------------------------------
@login_required
def task_list(request):
    filterset = TaskFilterSet(request.GET or None, queryset=_tasks(request).order_by(
        "status_rank", "effective_deadline", "pk"))
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if request.GET.get("format") == "xlsx":
        return _xlsx(excel.tasks_workbook(queryset.prefetch_related("coordinating_units")), "nhiem-vu.xlsx")
    page = Paginator(queryset, 100).get_page(request.GET.get("page"))
    export = request.GET.copy()
    export["format"] = "xlsx"
    export.pop("page", None)
    return render(request, "steering/task_list.html", {
        "filter": filterset, "page": page, "labels": LABELS, "export_query": export.urlencode(),
        "reader": _reader(request.user), "admin": is_admin(request.user)})


@login_required
def my_tasks(request):
    """What is due, what is overdue, what to report; for the standing office, what waits for a decision."""
    today = timezone.localdate()
    tasks = list(_tasks(request).filter(completed_on__isnull=True).annotate(last_report=Max("reports__created"))
                 .order_by("status_rank", "effective_deadline"))
    overdue = [t for t in tasks if t.status == OVERDUE]
    due = [t for t in tasks if t.status == DUE_SOON]
    month_ago = timezone.now() - datetime.timedelta(days=30)
    to_report = [t for t in tasks if t.status == IN_PROGRESS and (t.last_report is None or t.last_report < month_ago)]
    context = {"overdue": overdue, "due": due, "to_report": to_report[:50], "today": today,
               "admin": is_admin(request.user), "reader": _reader(request.user)}
    if is_admin(request.user):
        context["extensions"] = (ExtensionRequest.objects.filter(status=Decision.PENDING)
                                 .select_related("task__lead_unit"))
        context["declarations"] = (CompletionDeclaration.objects.filter(status=CompletionDeclaration.Status.PENDING)
                                   .select_related("task__lead_unit"))
    return render(request, "steering/my_tasks.html", context)


# -- one task --------------------------------------------------------------------------------------
def _task(request, pk):
    return get_object_or_404(_tasks(request).prefetch_related("coordinating_units"), pk=pk)


@login_required
def task_detail(request, pk):
    task = _task(request, pk)
    can_report = Task.objects.restrict(request.user, "report").filter(pk=task.pk).exists()
    from dxboard.accounts.permissions import can

    is_lead = can(request.user, "report", task.lead_unit, Task)
    open_ = task.completed_on is None
    return render(request, "steering/task_detail.html", {
        "task": task, "labels": LABELS, "admin": is_admin(request.user), "reader": _reader(request.user),
        "reports": task.reports.select_related("unit", "reported_by").prefetch_related("attachments"),
        "extensions": task.extensions.all(), "declarations": task.declarations.all(),
        "can_report": can_report and open_, "is_lead": is_lead and open_,
        "progress_form": ProgressForm(initial={"percent": task.progress}),
        "extension_form": ExtensionForm(), "declare_form": DeclareForm(),
        "decide_form": DecideForm(),
    })


def _done(request, task, message):
    messages.success(request, message)
    return redirect("steering:task", task.pk)


def _failed(request, task, exc):
    messages.error(request, str(exc))
    return redirect("steering:task", task.pk)


@login_required
@require_POST
def task_progress(request, pk):
    task = _task(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, task, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    try:
        actions.report_progress(acting_user=request.user, task=task, percent=form.cleaned_data["percent"],
                                text=form.cleaned_data["text"], uploads=request.FILES.getlist("files"))
    except actions.NotAllowed:
        raise Http404 from None
    except (actions.ActionError, UploadError) as exc:
        return _failed(request, task, exc)
    return _done(request, task, _("Progress reported."))


@login_required
@require_POST
def task_extension(request, pk):
    task = _task(request, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _failed(request, task, "; ".join(" ".join(v) for v in form.errors.values()))
    try:
        actions.request_extension(acting_user=request.user, task=task, **form.cleaned_data)
    except actions.NotAllowed:
        raise Http404 from None
    except actions.ActionError as exc:
        return _failed(request, task, exc)
    return _done(request, task, _("Extension requested."))


@login_required
@require_POST
def task_declare(request, pk):
    task = _task(request, pk)
    form = DeclareForm(request.POST)
    if not form.is_valid():
        return _failed(request, task, "; ".join(" ".join(v) for v in form.errors.values()))
    try:
        actions.declare_completion(acting_user=request.user, task=task, **form.cleaned_data)
    except actions.NotAllowed:
        raise Http404 from None
    except actions.ActionError as exc:
        return _failed(request, task, exc)
    return _done(request, task, _("Completion declared; the standing office will confirm it."))


@login_required
@require_POST
def extension_decide(request, pk):
    _require_admin(request)
    ext = get_object_or_404(ExtensionRequest.objects.restrict(request.user, "view"), pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        actions.decide_extension(acting_user=request.user, extension=ext,
                                 approve=form.cleaned_data["decision"] == "yes", note=form.cleaned_data["note"])
    except actions.ActionError as exc:
        return _failed(request, ext.task, exc)
    return _done(request, ext.task, _("Decision recorded."))


@login_required
@require_POST
def declaration_decide(request, pk):
    _require_admin(request)
    decl = get_object_or_404(CompletionDeclaration.objects.restrict(request.user, "view"), pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        actions.decide_completion(acting_user=request.user, declaration=decl,
                                  confirm=form.cleaned_data["decision"] == "yes", note=form.cleaned_data["note"])
    except actions.ActionError as exc:
        return _failed(request, decl.task, exc)
    return _done(request, decl.task, _("Decision recorded."))


@login_required
@require_GET
def attachment(request, pk):
    item = get_object_or_404(ReportAttachment.objects.restrict(request.user, "view"), pk=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                        content_type=item.content_type)


# -- plans -----------------------------------------------------------------------------------------
@login_required
def plan_list(request):
    _require_reader(request)
    plans = Plan.objects.restrict(request.user, "view").select_related("document")
    return render(request, "steering/plan_list.html", {"plans": plans, "admin": is_admin(request.user)})


def timeline(plan: Plan, tasks, today) -> dict:
    """Bars of a Gantt-like chart, in SVG coordinates (no inline style: the CSP forbids it)."""
    start, end = plan.start, max(plan.end, *(t.effective_deadline for t in tasks)) if tasks else plan.end
    days = max((end - start).days, 1)
    width, label_w, row_h = 1000, 0, 22
    scale = width / days

    def x(day) -> str:
        # a string: a float would be written "85,2" in Vietnamese, which SVG does not read
        return f"{max(0, (day - start).days) * scale:.1f}"

    colours = {OVERDUE: "#c62828", DUE_SOON: "#ef6c00", IN_PROGRESS: "#1565c0", "completed_late": "#8d6e63",
               "completed_on_time": "#2e7d32"}
    bars = []
    for i, t in enumerate(tasks):
        begin = t.start_date or plan.start
        x0, x1 = float(x(begin)), float(x(t.effective_deadline))
        bars.append({"task": t, "y": i * row_h + 24, "x": f"{x0 + label_w:.1f}", "w": f"{max(x1 - x0, 3):.1f}",
                     "colour": colours[t.status], "text_y": i * row_h + 37})
    months = []
    day = datetime.date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            months.append({"x": x(day), "label": f"{day.month:02d}/{day.year % 100:02d}"})
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return {"bars": bars, "months": months, "width": width, "height": len(tasks) * row_h + 30,
            "today_x": x(today) if start <= today <= end else None, "colours": colours}


@login_required
def plan_detail(request, pk):
    _require_reader(request)
    plan = get_object_or_404(Plan.objects.restrict(request.user, "view").select_related("document"), pk=pk)
    today = timezone.localdate()
    tasks = list(plan.tasks.countable().with_status(today).select_related("lead_unit")
                 .order_by("effective_deadline", "pk"))
    from .rates import rates_by

    plan_rates = rates_by(plan.tasks.all(), plan.start, max([plan.end] + [t.effective_deadline for t in tasks]),
                          key="plan").get(plan.pk)
    return render(request, "steering/plan_detail.html", {
        "plan": plan, "tasks": tasks, "chart": timeline(plan, tasks, today), "labels": LABELS, "rates": plan_rates,
        "admin": is_admin(request.user)})


@login_required
def task_create(request, pk):
    """The standing office adds one task to a plan (a recurring one generates its occurrences)."""
    _require_admin(request)
    plan = get_object_or_404(Plan.objects.restrict(request.user, "view"), pk=pk)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        frequency, working_day = data.pop("frequency"), data.pop("working_day")
        try:
            with transaction.atomic():  # a refused task leaves no recurrence rule behind
                recurrence = None
                if frequency:
                    recurrence = RecurrenceRule.objects.create(frequency=frequency, working_day=working_day or 5)
                task = actions.create_task(acting_user=request.user, plan=plan, recurrence=recurrence,
                                           title=data.pop("title"), lead_unit=data.pop("lead_unit"),
                                           deadline=data.pop("deadline"),
                                           coordinating_units=list(data.pop("coordinating_units")), **data)
        except actions.ActionError as exc:
            _refused_on(form, exc)
        else:
            messages.success(request, _("Task added."))
            return redirect("steering:task", task.pk) if not task.is_recurring else redirect("steering:plan", plan.pk)
    return render(request, "steering/task_form.html", {"form": form, "plan": plan})


# -- corrections by the standing office -------------------------------------------------------------
def _any_task(request, pk):
    """Any task the person sees, a recurring one (which has no page of its own: its occurrences do) included."""
    return get_object_or_404(Task.objects.restrict(request.user, "view").select_related("plan", "lead_unit"), pk=pk)


def _back_to(task):
    return redirect("steering:plan", task.plan_id) if task.is_recurring else redirect("steering:task", task.pk)


def _refused_on(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


TASK_EDIT_INITIAL = ("code", "title", "content", "pillar", "lead_unit", "assigned_by", "start_date", "deadline",
                     "expected_output", "indicator_code", "priority")


@login_required
def task_edit(request, pk):
    """The standing office corrects a task (a recurring one: for its periods not yet completed)."""
    _require_admin(request)
    task = _any_task(request, pk)
    initial = {name: getattr(task, name) for name in TASK_EDIT_INITIAL}
    initial["coordinating_units"] = list(task.coordinating_units.all())
    form = TaskEditForm(request.POST or None, initial=initial, task=task)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["coordinating_units"] = list(data["coordinating_units"])
        try:
            task = actions.update_task(acting_user=request.user, task=task, **data)
        except actions.ActionError as exc:
            _refused_on(form, exc)
        else:
            messages.success(request, _("Task corrected."))
            return _back_to(task)
    return render(request, "steering/task_edit.html", {"form": form, "task": task})


@login_required
def task_delete(request, pk):
    """GET: what would be deleted, and a button; POST: delete (refused once the task has been acted on)."""
    _require_admin(request)
    task = _any_task(request, pk)
    if request.method == "POST":
        plan_pk = task.plan_id
        try:
            actions.delete_task(acting_user=request.user, task=task)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
            return _back_to(task)
        messages.success(request, _("Task deleted."))
        return redirect("steering:plan", plan_pk)
    return render(request, "steering/task_delete.html", {"task": task, "occurrences": task.occurrences.count()})


@login_required
def plan_edit(request, pk):
    _require_admin(request)
    plan = get_object_or_404(Plan.objects.restrict(request.user, "view"), pk=pk)
    form = PlanEditForm(request.POST or None, initial={
        "title": plan.title, "year": plan.year, "start": plan.start, "end": plan.end, "document": plan.document})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_plan(acting_user=request.user, plan=plan, **form.cleaned_data)
        except actions.ActionError as exc:
            _refused_on(form, exc)
        else:
            messages.success(request, _("Plan corrected."))
            return redirect("steering:plan", plan.pk)
    return render(request, "steering/plan_edit.html", {"form": form, "plan": plan})


@login_required
def plan_template(request):
    _require_admin(request)
    return _xlsx(excel.template_workbook(), "mau-ke-hoach-nhiem-vu.xlsx")


@login_required
def plan_import(request):
    """Upload → preview (errors per row) → confirm (all or nothing), through core.imports."""
    _require_admin(request)

    def context_of(form) -> dict:
        return {k: (v.isoformat() if isinstance(v, datetime.date) else v)
                for k, v in form.cleaned_data.items() if k != "file"}

    def done(request, plan):
        messages.success(request, _("Plan imported: %(n)s tasks.") % {"n": plan.tasks.filter(parent=None).count()})
        return redirect("steering:plan", plan.pk)

    return imports.handle(request, excel.PLAN_IMPORT, form=PlanImportForm(request.POST or None, request.FILES or None),
                          template="steering/plan_import.html", context_of=context_of, done=done,
                          refused_errors=(actions.ActionError,))


# -- league table and summary ----------------------------------------------------------------------
def _period(request, default="quarter") -> Period:
    kind = request.GET.get("kind") if request.GET.get("kind") in ("month", "quarter", "year") else default
    return Period.parse(request.GET.get("period"), kind)


@login_required
def league(request):
    _require_reader(request)
    period = _period(request)
    return render(request, "steering/league.html", {"period": period, "rows": league_table(period),
                                                    "previous": period.previous(),
                                                    "periods": recent_periods(timezone.localdate(), period)})


@login_required
def summary_page(request):
    _require_reader(request)
    period = _period(request)
    data = summary.build(period)
    fmt = request.GET.get("format")
    if fmt == "docx":
        response = HttpResponse(summary.docx(data), content_type=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
        response["Content-Disposition"] = f'attachment; filename="bao-cao-nhiem-vu-{period.slug}.docx"'
        return response
    if fmt == "xlsx":
        return _xlsx(excel.summary_workbook(data), f"tong-hop-nhiem-vu-{period.slug}.xlsx")
    return render(request, "steering/summary.html", {"s": data, "period": period,
                                                     "periods": recent_periods(timezone.localdate(), period)})

