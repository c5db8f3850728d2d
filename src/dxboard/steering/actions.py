"""Every state change of the steering programme: atomic, audited, permission-checked, notified.

Who does what:
- the standing office (admin) creates documents, plans and tasks, decides extensions, confirms or
  returns completions;
- an officer of the lead unit reports progress, asks for an extension, declares completion;
- an officer of a coordinating unit reports progress;
- leaders read.
"""

import calendar as pycal
import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from dxboard.accounts.models import Membership, Role
from dxboard.accounts.permissions import can, is_admin
from dxboard.audit.log import record, snapshot
from dxboard.core.i18n import Message
from dxboard.core.notify import notify
from dxboard.core.storage import files_follow_transaction, refused_when_full
from dxboard.core.uploads import check_upload
from dxboard.workdays.calendar import Calendar

from .models import (
    CompletionDeclaration,
    Decision,
    DirectiveDocument,
    ExtensionRequest,
    Pillar,
    Plan,
    Priority,
    ProgressReport,
    RecurrenceRule,
    ReportAttachment,
    Task,
)
from .status import COMPLETED


class ActionError(ValueError):
    """A refused action, with a message in the language of whoever reads it; `field` names the form field
    at fault, if one is."""

    field: str | None = None


class NotAllowed(ActionError, PermissionError):
    pass


def _refuse(message: str, params: dict | None = None, cls=ActionError, field: str | None = None):
    error = cls(Message(message, params))
    error.field = field
    return error


def _require_admin(user) -> None:
    if user is not None and not is_admin(user):
        raise _refuse(gettext_noop("Only the standing office may do this."), cls=NotAllowed)


def _require_lead(user, task: Task) -> None:
    if user is not None and not can(user, "report", task.lead_unit, Task):
        raise _refuse(gettext_noop("Only the lead unit may do this for task %(task)s."), {"task": task.code or task.pk},
                      NotAllowed)


def _require_reporter(user, task: Task) -> None:
    if user is not None and not Task.objects.restrict(user, "report").filter(pk=task.pk).exists():
        raise _refuse(gettext_noop("You may not report on task %(task)s."), {"task": task.code or task.pk}, NotAllowed)


def officers(unit) -> list:
    return [m.user for m in Membership.objects.filter(unit=unit, role=Role.OFFICER).select_related("user")]


def unit_leaders(unit) -> list:
    return [m.user for m in Membership.objects.filter(unit=unit, role=Role.LEADER).select_related("user")]


def admins() -> list:
    return [m.user for m in Membership.objects.filter(role=Role.ADMIN).select_related("user")]


def link(task: Task) -> str:
    return reverse("steering:task", args=[task.pk])


def _fresh(task: Task) -> Task:
    """The task as it is now, locked until the transaction ends (two reports never race)."""
    return Task.objects.select_for_update().select_related("lead_unit").get(pk=task.pk)


def _today() -> datetime.date:
    return timezone.localdate()


# -- documents, plans, tasks -----------------------------------------------------------------------
@files_follow_transaction()
@transaction.atomic
def create_document(*, acting_user, number: str, date: datetime.date, issuer: str, title: str,
                    kind: str = DirectiveDocument.Kind.PLAN, upload=None, is_demo: bool = False) -> DirectiveDocument:
    _require_admin(acting_user)
    doc = DirectiveDocument(number=number, date=date, issuer=issuer, title=title, kind=kind, is_demo=is_demo)
    if upload is not None:
        checked = check_upload(upload, allowed=("pdf", "docx"))
        doc.file = checked.content
        doc.original_name = checked.original_name
    with refused_when_full(_refuse):
        doc.save()
    record(actor=acting_user, action="steering.create_document", obj=doc, after=snapshot(doc))
    return doc


@transaction.atomic
def create_plan(*, acting_user, unit, title: str, year: int, start: datetime.date, end: datetime.date,
                document: DirectiveDocument | None = None, is_demo: bool = False) -> Plan:
    _require_admin(acting_user)
    if end < start:
        raise _refuse(gettext_noop("The plan ends before it starts."))
    plan = Plan.objects.create(unit=unit, title=title, year=year, start=start, end=end, document=document,
                               is_demo=is_demo)
    record(actor=acting_user, action="steering.create_plan", obj=plan, after=snapshot(plan))
    return plan


def _periods(rule: RecurrenceRule, start: datetime.date, end: datetime.date):
    """(label, last month (year, month)) of every period of the rule that starts within [start, end]."""
    step = {"monthly": 1, "quarterly": 3, "yearly": 12}[rule.frequency]
    year, month = start.year, 1 + ((start.month - 1) // step) * step
    while datetime.date(year, month, 1) <= end:
        last_y, last_m = year + (month + step - 2) // 12, (month + step - 2) % 12 + 1
        if rule.frequency == "monthly":
            label = f"{month:02d}/{year}"
        elif rule.frequency == "quarterly":
            label = f"Q{(month - 1) // 3 + 1}/{year}"
        else:
            label = str(year)
        yield label, (year, month), (last_y, last_m)
        month += step
        if month > 12:
            year, month = year + 1, month - 12


def occurrence_deadlines(rule: RecurrenceRule, start: datetime.date, end: datetime.date,
                         cal: Calendar | None = None) -> list[tuple[str, datetime.date, datetime.date]]:
    """(period label, period start, deadline) for each occurrence: the rule's n-th working day of the
    period's last month (plus `months_after`)."""
    cal = cal or Calendar()
    out = []
    for label, (fy, fm), (ly, lm) in _periods(rule, start, end):
        total = ly * 12 + (lm - 1) + rule.months_after
        dy, dm = divmod(total, 12)
        deadline = cal.nth_working_day(dy, dm + 1, rule.working_day)
        out.append((label, datetime.date(fy, fm, 1), deadline))
    return out


def _check_dates(start_date: datetime.date | None, deadline: datetime.date) -> None:
    """A task cannot be due before it starts (whether added by the form, from Excel or corrected)."""
    if start_date and deadline < start_date:
        raise _refuse(gettext_noop("The deadline (%(deadline)s) is before the start date (%(start)s)."),
                      {"deadline": deadline.strftime("%d/%m/%Y"), "start": start_date.strftime("%d/%m/%Y")},
                      field="deadline")


TASK_FIELDS = ("code", "content", "pillar", "assigned_by", "start_date", "expected_output", "indicator_code",
               "priority")


@transaction.atomic
def create_task(*, acting_user, plan: Plan, title: str, lead_unit, deadline: datetime.date,
                coordinating_units=(), recurrence: RecurrenceRule | None = None, is_demo: bool = False,
                **fields) -> Task:
    """A task of a plan. With a recurrence rule the task is a template and its occurrences (one per
    period between its start and the plan's end) are the tasks that are followed and counted."""
    _require_admin(acting_user)
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"unknown task fields: {sorted(unknown)}")
    _check_dates(fields.get("start_date"), deadline)
    cal = Calendar()
    task = Task.objects.create(plan=plan, title=title, lead_unit=lead_unit, deadline=deadline,
                               original_deadline=deadline, effective_deadline=cal.effective_deadline(deadline),
                               recurrence=recurrence, is_recurring=recurrence is not None, is_demo=is_demo, **fields)
    task.coordinating_units.set(coordinating_units)
    record(actor=acting_user, action="steering.create_task", obj=task, after=snapshot(task))
    if recurrence is not None:
        start = task.start_date or plan.start
        for label, period_start, due in occurrence_deadlines(recurrence, start, min(plan.end, deadline), cal):
            child = Task.objects.create(
                plan=plan, parent=task, title=f"{title} — {label}", lead_unit=lead_unit, deadline=due,
                original_deadline=due, effective_deadline=due, period_label=label, is_demo=is_demo,
                start_date=period_start, code=(f"{task.code}/{label}" if task.code else "")[:40],
                **{k: v for k, v in fields.items() if k not in ("start_date", "code")})
            child.coordinating_units.set(coordinating_units)
        notify_units = [lead_unit, *coordinating_units]
    else:
        notify_units = [lead_unit, *coordinating_units]
    users = [u for unit in notify_units for u in officers(unit)]
    notify(users, Message(gettext_noop("New task: %(title)s"), {"title": title[:150]}),
           Message(gettext_noop("Deadline: %(day)s."), {"day": deadline.strftime("%d/%m/%Y")}), link(task))
    return task


# -- corrections by the standing office ------------------------------------------------------------
@transaction.atomic
def update_plan(*, acting_user, plan: Plan, title: str, year: int, start: datetime.date, end: datetime.date,
                document: DirectiveDocument | None = None) -> Plan:
    """Correct a plan's title, year, dates or directive document. Its tasks and their occurrences stay as
    they are (a recurring task's periods were laid out when it was added)."""
    _require_admin(acting_user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    title = (title or "").strip()
    if not title:
        raise _refuse(gettext_noop("The plan's title cannot be empty."), field="title")
    if end < start:
        raise _refuse(gettext_noop("The plan ends before it starts."), field="end")
    before = snapshot(plan)
    plan.title, plan.year, plan.start, plan.end, plan.document = title, int(year), start, end, document
    after = snapshot(plan)
    if after != before:
        plan.save(update_fields=["title", "year", "start", "end", "document"])
        record(actor=acting_user, action="steering.update_plan", obj=plan, before=before, after=after)
    return plan


CORRECTABLE_FIELDS = ("title", "lead_unit", "coordinating_units", "deadline", *TASK_FIELDS)
# What a recurring task passes down to its occurrences not yet completed when it is corrected (its
# title and code too, with each period's label). Its start date and deadline lay out the periods: they
# are not corrected on the recurring task (correct an occurrence, or delete and add it again).
PASSED_DOWN = ("content", "pillar", "assigned_by", "expected_output", "indicator_code", "priority", "lead_unit")
_CHOICES = {"pillar": Pillar.values, "priority": Priority.values}


def _field_label(name: str):
    return Task._meta.get_field(name).verbose_name


def _check_task_fields(task: Task, changes: dict) -> None:
    """Refusals that name the field at fault, before anything is written."""
    if "title" in changes and not changes["title"]:
        raise _refuse(gettext_noop("The title of a task cannot be empty."), field="title")
    for name, value in changes.items():
        if name in _CHOICES and value not in _CHOICES[name]:
            raise _refuse(gettext_noop("“%(value)s” is not a valid choice for the field “%(field)s”."),
                          {"value": value, "field": _field_label(name)}, field=name)
        limit = getattr(Task._meta.get_field(name), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise _refuse(gettext_noop("The field “%(field)s” takes at most %(n)s characters."),
                          {"field": _field_label(name), "n": limit}, field=name)


def _pass_down(acting_user, template: Task, changes: dict, coordinating) -> None:
    for child in template.occurrences.select_for_update().filter(completed_on__isnull=True):
        before = snapshot(child)
        fields = [k for k in PASSED_DOWN if k in changes]
        for k in fields:
            setattr(child, k, changes[k])
        if "title" in changes:
            child.title = f"{template.title} — {child.period_label}"[:500]
            fields.append("title")
        if "code" in changes:
            child.code = (f"{template.code}/{child.period_label}" if template.code else "")[:40]
            fields.append("code")
        if fields:
            child.save(update_fields=fields)
        if coordinating is not None:
            child.coordinating_units.set(coordinating)
        after = snapshot(child)
        if after != before:
            record(actor=acting_user, action="steering.update_task", obj=child, before=before, after=after)


@transaction.atomic
def update_task(*, acting_user, task: Task, **fields) -> Task:
    """Correct a task: its title, content, lead and coordinating units, deadline and the other fields
    `create_task` takes. Written as "steering.update_task"; a new deadline is a correction of a
    data-entry error by the standing office, written apart as "steering.correct_deadline" (a unit asking
    for more time goes through `request_extension`). A completed task's deadline stays. Correcting a
    recurring task passes the change down to its occurrences not yet completed."""
    _require_admin(acting_user)
    unknown = set(fields) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown task fields: {sorted(unknown)}")
    task = _fresh(task)
    old_lead = task.lead_unit
    old_coordinating = set(task.coordinating_units.all())
    coordinating = fields.pop("coordinating_units", None)
    coordinating = None if coordinating is None or set(coordinating) == old_coordinating else set(coordinating)
    deadline = fields.pop("deadline", task.deadline)
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    changes = {k: v for k, v in fields.items() if getattr(task, k) != v}
    _check_task_fields(task, changes)
    lead = changes.get("lead_unit", old_lead)
    if ("lead_unit" in changes or coordinating is not None) and lead in (
            coordinating if coordinating is not None else old_coordinating):
        raise _refuse(gettext_noop("The lead unit cannot also be a coordinating unit."), field="coordinating_units")
    deadline_changed = deadline != task.deadline
    if task.is_recurring:
        for name, changed in (("start_date", "start_date" in changes), ("deadline", deadline_changed)):
            if changed:
                raise _refuse(gettext_noop("The field “%(field)s” of a recurring task lays out its periods: correct "
                                           "an occurrence instead, or delete the recurring task and add it again."),
                              {"field": _field_label(name)}, field=name)
    if deadline_changed:
        if task.completed_on is not None:
            raise _refuse(gettext_noop("Task %(task)s is completed: its deadline can no longer be corrected."),
                          {"task": task.code or task.pk}, field="deadline")
        if task.extensions.filter(status=Decision.PENDING).exists():
            raise _refuse(gettext_noop("An extension request is waiting for a decision: decide it before "
                                       "correcting the deadline."), field="deadline")
    if deadline_changed or "start_date" in changes:
        _check_dates(changes.get("start_date", task.start_date), deadline)

    if changes or coordinating is not None:
        before = snapshot(task)
        for k, v in changes.items():
            setattr(task, k, v)
        if changes:
            task.save(update_fields=list(changes))
        if coordinating is not None:
            task.coordinating_units.set(coordinating)
        record(actor=acting_user, action="steering.update_task", obj=task, before=before, after=snapshot(task))
        if task.is_recurring:
            _pass_down(acting_user, task, changes, coordinating)
    if deadline_changed:
        before = snapshot(task)
        old_deadline = task.deadline
        if task.original_deadline == task.deadline:  # never extended: the deadline as assigned was mistyped
            task.original_deadline = deadline
        task.deadline = deadline
        task.effective_deadline = Calendar().effective_deadline(deadline)
        task.save(update_fields=["original_deadline", "deadline", "effective_deadline"])
        record(actor=acting_user, action="steering.correct_deadline", obj=task, before=before, after=snapshot(task))

    where = reverse("steering:my-tasks") if task.is_recurring else link(task)
    day = task.deadline.strftime("%d/%m/%Y")
    if "lead_unit" in changes:
        notify(officers(task.lead_unit),
               Message(gettext_noop("Task assigned to your unit: %(title)s"), {"title": task.title[:150]}),
               Message(gettext_noop("Deadline: %(day)s."), {"day": day}), where)
    if coordinating is not None:
        added = [u for u in coordinating - old_coordinating if u != task.lead_unit]
        notify([u for unit in added for u in officers(unit)],
               Message(gettext_noop("New task: %(title)s"), {"title": task.title[:150]}),
               Message(gettext_noop("Deadline: %(day)s."), {"day": day}), where)
    if deadline_changed and "lead_unit" not in changes:
        notify(officers(task.lead_unit),
               Message(gettext_noop("Deadline corrected: %(title)s"), {"title": task.title[:150]}),
               Message(gettext_noop("The standing office corrected the deadline from %(old)s to %(new)s."),
                         {"old": old_deadline.strftime("%d/%m/%Y"), "new": day}), where)
    return task


@transaction.atomic
def delete_task(*, acting_user, task: Task) -> None:
    """Remove a task entered by mistake, while nobody has acted on it: no progress report, extension
    request or completion declaration (else it is corrected, not deleted). A recurring task goes with its
    occurrences, and only if none of them has been acted on; one occurrence may go alone. The audit row
    keeps the task's snapshot (a recurring task's with its occurrences')."""
    _require_admin(acting_user)
    task = _fresh(task)
    occurrences = list(task.occurrences.select_for_update().order_by("deadline", "pk"))
    ids = [task.pk, *(o.pk for o in occurrences)]
    acted_on = (any(t.completed_on is not None for t in [task, *occurrences])
                or ProgressReport.objects.filter(task__in=ids).exists()
                or ExtensionRequest.objects.filter(task__in=ids).exists()
                or CompletionDeclaration.objects.filter(task__in=ids).exists())
    if acted_on:
        message = (gettext_noop("A period of recurring task %(task)s already has a progress report, an extension "
                                "request or a completion declaration: correct the task instead of deleting it.")
                   if task.is_recurring else
                   gettext_noop("Task %(task)s already has a progress report, an extension request or a "
                                "completion declaration: correct it instead of deleting it."))
        raise _refuse(message, {"task": task.code or task.pk})
    before = snapshot(task)
    if occurrences:
        before["occurrences"] = [snapshot(o) for o in occurrences]
    users = [u for unit in [task.lead_unit, *task.coordinating_units.all()] for u in officers(unit)]
    record(actor=acting_user, action="steering.delete_task", obj=task, before=before)
    rule, title = task.recurrence, task.title
    task.delete()  # its occurrences and reminders with it
    if rule is not None and not Task.objects.filter(recurrence=rule).exists():
        rule.delete()
    notify(users, Message(gettext_noop("Task removed: %(title)s"), {"title": title[:150]}),
           Message(gettext_noop("The standing office removed this task, entered by mistake.")),
           reverse("steering:my-tasks"))


# -- follow-up by the units ------------------------------------------------------------------------
def _reporting_unit(user, task: Task):
    """The unit the person reports for: the lead unit when they act for it (or for everything), else
    the coordinating unit they act for."""
    from dxboard.accounts.permissions import EVERYTHING, scope

    allowed = scope(user, "report", Task) if user is not None else EVERYTHING
    if allowed is EVERYTHING or task.lead_unit_id in allowed:
        return task.lead_unit
    return next((u for u in task.coordinating_units.all() if u.pk in allowed), task.lead_unit)


@files_follow_transaction()
@transaction.atomic
def report_progress(*, acting_user, task: Task, percent: int, text: str, uploads=()) -> ProgressReport:
    _require_reporter(acting_user, task)
    task = _fresh(task)
    if task.is_recurring:
        raise _refuse(gettext_noop("Report on an occurrence of a recurring task, not on the task itself."))
    if task.completed_on is not None:
        raise _refuse(gettext_noop("This task is already completed."))
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise _refuse(gettext_noop("Progress must be a whole number from 0 to 100."))
    if not (text or "").strip():
        raise _refuse(gettext_noop("Please describe the progress."))
    checked = [check_upload(u) for u in uploads]  # raises UploadError before anything is written
    unit = _reporting_unit(acting_user, task)
    report = ProgressReport.objects.create(task=task, unit=unit, percent=percent, text=text.strip(),
                                           reported_by=acting_user if acting_user and acting_user.pk else None)
    with refused_when_full(_refuse):
        for c in checked:
            ReportAttachment.objects.create(report=report, file=c.content, original_name=c.original_name,
                                            content_type=c.content_type, size=c.size, sha256=c.sha256)
    before = snapshot(task)
    if unit.pk == task.lead_unit_id:
        task.progress = percent
        task.save(update_fields=["progress"])
    record(actor=acting_user, action="steering.report_progress", obj=report, after=snapshot(report))
    record(actor=acting_user, action="steering.progress", obj=task, before=before, after=snapshot(task))
    return report


@transaction.atomic
def request_extension(*, acting_user, task: Task, requested_deadline: datetime.date, reason: str) -> ExtensionRequest:
    _require_lead(acting_user, task)
    task = _fresh(task)
    if task.completed_on is not None:
        raise _refuse(gettext_noop("This task is already completed."))
    if task.extensions.filter(status=Decision.PENDING).exists():
        raise _refuse(gettext_noop("An extension request is already waiting for a decision."))
    if requested_deadline <= task.deadline:
        raise _refuse(gettext_noop("The new deadline must be after the current one (%(day)s)."),
                      {"day": task.deadline.strftime("%d/%m/%Y")})
    if not (reason or "").strip():
        raise _refuse(gettext_noop("Please give the reason for the extension."))
    ext = ExtensionRequest.objects.create(task=task, requested_deadline=requested_deadline, old_deadline=task.deadline,
                                          reason=reason.strip(),
                                          requested_by=acting_user if acting_user and acting_user.pk else None)
    record(actor=acting_user, action="steering.request_extension", obj=ext, after=snapshot(ext))
    notify(admins(), Message(gettext_noop("Extension requested: %(title)s"), {"title": task.title[:150]}),
           reason.strip()[:500], link(task))
    return ext


@transaction.atomic
def decide_extension(*, acting_user, extension: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    _require_admin(acting_user)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Decision.PENDING:
        raise _refuse(gettext_noop("This request has already been decided."))
    if not approve and not (note or "").strip():
        raise _refuse(gettext_noop("Please say why the extension is refused."))
    before = snapshot(extension)
    extension.status = Decision.APPROVED if approve else Decision.REFUSED
    extension.decided_by = acting_user if acting_user and acting_user.pk else None
    extension.decided_at = timezone.now()
    extension.decision_note = (note or "").strip()
    extension.save()
    record(actor=acting_user, action="steering.decide_extension", obj=extension, before=before,
           after=snapshot(extension))
    task = extension.task
    if approve:
        task_before = snapshot(task)
        task.deadline = extension.requested_deadline
        task.effective_deadline = Calendar().effective_deadline(task.deadline)
        task.save(update_fields=["deadline", "effective_deadline"])
        record(actor=acting_user, action="steering.extend", obj=task, before=task_before, after=snapshot(task))
        subject = gettext_noop("Extension approved: %(title)s")
    else:
        subject = gettext_noop("Extension refused: %(title)s")
    notify(officers(task.lead_unit), Message(subject, {"title": task.title[:150]}), extension.decision_note,
           link(task))
    return extension


@transaction.atomic
def declare_completion(*, acting_user, task: Task, note: str = "",
                       declared_on: datetime.date | None = None) -> CompletionDeclaration:
    _require_lead(acting_user, task)
    task = _fresh(task)
    declared_on = declared_on or _today()
    if task.is_recurring:
        raise _refuse(gettext_noop("Declare the completion of an occurrence, not of the recurring task."))
    if task.completed_on is not None:
        raise _refuse(gettext_noop("This task is already completed."))
    if declared_on > _today():
        raise _refuse(gettext_noop("The completion date cannot be in the future."))
    if declared_on != _today() and acting_user is not None and not is_admin(acting_user):
        # a unit declares on the day it declares: no backdating into the deadline
        raise _refuse(gettext_noop("A unit declares completion on the day it declares it; only the standing "
                                   "office may record an earlier date."))
    if task.declarations.filter(status=CompletionDeclaration.Status.PENDING).exists():
        raise _refuse(gettext_noop("A completion is already waiting for confirmation."))
    decl = CompletionDeclaration.objects.create(task=task, declared_on=declared_on, note=(note or "").strip(),
                                                declared_by=acting_user if acting_user and acting_user.pk else None)
    record(actor=acting_user, action="steering.declare_completion", obj=decl, after=snapshot(decl))
    notify(admins(), Message(gettext_noop("Completion declared: %(title)s"), {"title": task.title[:150]}),
           decl.note[:500], link(task))
    return decl


@transaction.atomic
def decide_completion(*, acting_user, declaration: CompletionDeclaration, confirm: bool,
                      note: str = "") -> CompletionDeclaration:
    """Confirm (the task is completed on the declared date) or return (it stays not completed)."""
    _require_admin(acting_user)
    declaration = CompletionDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != CompletionDeclaration.Status.PENDING:
        raise _refuse(gettext_noop("This declaration has already been decided."))
    if not confirm and not (note or "").strip():
        raise _refuse(gettext_noop("Please say why the completion is returned."))
    before = snapshot(declaration)
    declaration.status = (CompletionDeclaration.Status.CONFIRMED if confirm
                          else CompletionDeclaration.Status.RETURNED)
    declaration.decided_by = acting_user if acting_user and acting_user.pk else None
    declaration.decided_at = timezone.now()
    declaration.decision_note = (note or "").strip()
    declaration.save()
    record(actor=acting_user, action="steering.decide_completion", obj=declaration, before=before,
           after=snapshot(declaration))
    task = declaration.task
    if confirm:
        task_before = snapshot(task)
        task.completed_on = declaration.declared_on
        task.progress = 100
        task.save(update_fields=["completed_on", "progress"])
        record(actor=acting_user, action="steering.complete", obj=task, before=task_before, after=snapshot(task))
        subject = gettext_noop("Completion confirmed: %(title)s")
    else:
        subject = gettext_noop("Completion returned: %(title)s")
    notify(officers(task.lead_unit), Message(subject, {"title": task.title[:150]}), declaration.decision_note,
           link(task))
    return declaration


def refresh_effective_deadlines(sender=None, years=None, **kwargs) -> int:
    """Recompute the effective deadlines of tasks due in `years` after the calendar changed (a new
    holiday, a swapped day). Not an audited action: nothing a person decided changes. A task due in the
    year before whose deadline rolled over into one of `years` (due 31 December, a day off) is
    recomputed too."""
    cal = Calendar()
    tasks = Task.objects.all()
    if years:
        tasks = tasks.filter(Q(deadline__year__in=years) | Q(effective_deadline__year__in=years))
    changed = 0
    for task in tasks.only("pk", "deadline", "effective_deadline"):
        effective = cal.effective_deadline(task.deadline)
        if effective != task.effective_deadline:
            Task.objects.filter(pk=task.pk).update(effective_deadline=effective)
            changed += 1
    return changed


def is_completed(status: str) -> bool:
    return status in COMPLETED


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, pycal.monthrange(year, month)[1])
