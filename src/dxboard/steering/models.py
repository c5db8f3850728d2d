"""The steering programme: directive documents, plans, tasks (one-off and recurring), progress
reports, extension requests and completion declarations, and the reminders sent.

A task's status is never stored: it is derived from its (effective) deadline, its confirmed
completion date and today (see `status.py`). A task belongs to its lead unit; its coordinating units
see it and report on it too, so the task querysets widen `restrict()` to both.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dxboard.accounts.models import Role
from dxboard.core.querysets import RestrictedQuerySet


class TaskScopedQuerySet(RestrictedQuerySet):
    """restrict() over the task's lead unit OR its coordinating units. `task_prefix` leads to the task."""

    task_prefix = ""

    def restrict(self, user, action: str = "view"):
        from dxboard.accounts.permissions import EVERYTHING, scope

        allowed = scope(user, action, self.model)
        if allowed is EVERYTHING:
            return self
        if not allowed:
            return self.none()
        p = self.task_prefix
        ids = self.filter(Q(**{f"{p}lead_unit__in": allowed}) | Q(**{f"{p}coordinating_units__in": allowed}))
        return self.filter(pk__in=ids.values("pk"))


class TaskQuerySet(TaskScopedQuerySet):
    def with_status(self, today):
        from .status import annotate_status

        return annotate_status(self, today)

    def countable(self):
        """Tasks that count: occurrences and one-off tasks, not the templates of recurring ones."""
        return self.filter(is_recurring=False)


class ChildOfTaskQuerySet(TaskScopedQuerySet):
    task_prefix = "task__"


# Officers act on their unit's tasks (view, report); the standing office does the rest. Reviewers have
# nothing to do with tasks.
TASK_GRANTS = {Role.OFFICER: {"view", "report"}, Role.REVIEWER: set(), Role.LEADER: {"view", "approve"}}


class Pillar(models.TextChoices):
    GOVERNMENT = "government", _("Digital government")
    ECONOMY = "economy", _("Digital economy")
    SOCIETY = "society", _("Digital society")
    FOUNDATION = "foundation", _("Foundations (awareness, institutions, infrastructure, people, security)")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class DirectiveDocument(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan")
        DECISION = "decision", _("Decision")
        DIRECTIVE = "directive", _("Directive")
        CONCLUSION = "conclusion", _("Conclusion notice")
        LETTER = "letter", _("Official letter")

    number = models.CharField(_("number"), max_length=80)
    date = models.DateField(_("date"))
    issuer = models.CharField(_("issuer"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PLAN)
    title = models.CharField(_("title"), max_length=500)
    file = models.FileField(_("file"), upload_to="steering/documents/%Y/", blank=True)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-date", "number"]
        verbose_name = _("directive document")
        verbose_name_plural = _("directive documents")

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"


class Plan(models.Model):
    """A plan of the committee (e.g. the province's yearly DX plan), owned by the issuing unit."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="steering_plans",
                             verbose_name=_("unit"))
    document = models.ForeignKey(DirectiveDocument, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="plans", verbose_name=_("directive document"))
    title = models.CharField(_("title"), max_length=500)
    year = models.PositiveIntegerField(_("year"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "unit"
    grants = {Role.OFFICER: set(), Role.REVIEWER: set(), Role.LEADER: {"view", "approve"}}

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title


class RecurrenceRule(models.Model):
    """"The n-th working day of each month (or quarter)": the deadline of every occurrence."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    working_day = models.SmallIntegerField(_("working day"), default=5,
                                           help_text=_("n-th working day of the month (-1 = the last)"))
    months_after = models.PositiveSmallIntegerField(
        _("months after the period"), default=0,
        help_text=_("0 = in the period's last month, 1 = in the month after the period"))

    class Meta:
        verbose_name = _("recurrence rule")
        verbose_name_plural = _("recurrence rules")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()}: {self.working_day} (+{self.months_after})"


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="occurrences",
                               verbose_name=_("recurring task"))
    code = models.CharField(_("code"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices, default=Pillar.GOVERNMENT)
    lead_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="steering_tasks",
                                  verbose_name=_("lead unit"))
    coordinating_units = models.ManyToManyField("units.Unit", blank=True, related_name="steering_coordinated",
                                                verbose_name=_("coordinating units"))
    assigned_by = models.CharField(_("assigning leader"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    original_deadline = models.DateField(_("original deadline"))
    deadline = models.DateField(_("deadline"))
    # The deadline rolled forward to a working day (Civil Code art. 148); kept in step by actions.
    effective_deadline = models.DateField(_("effective deadline"), db_index=True)
    expected_output = models.CharField(_("expected output"), max_length=500, blank=True)
    indicator_code = models.CharField(_("linked KPI or index indicator"), max_length=80, blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    is_recurring = models.BooleanField(_("recurring (template)"), default=False)
    recurrence = models.ForeignKey(RecurrenceRule, null=True, blank=True, on_delete=models.PROTECT,
                                   verbose_name=_("recurrence rule"))
    period_label = models.CharField(_("period"), max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = TaskQuerySet.as_manager()
    unit_path = "lead_unit"
    grants = TASK_GRANTS

    class Meta:
        ordering = ["effective_deadline", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def status(self, today):
        from .status import task_status

        return task_status(self.effective_deadline, self.completed_on, today)


class _Attached(models.Model):
    file = models.FileField(_("file"), upload_to="steering/reports/%Y/%m/")
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)

    class Meta:
        abstract = True


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports", verbose_name=_("task"))
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("progress report"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reported by"))
    created = models.DateTimeField(_("reported at"), auto_now_add=True)

    objects = ChildOfTaskQuerySet.as_manager()
    unit_path = "task__lead_unit"
    grants = TASK_GRANTS

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.task} — {self.percent}%"


class AttachmentQuerySet(TaskScopedQuerySet):
    task_prefix = "report__task__"


class ReportAttachment(_Attached):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("progress report"))

    objects = AttachmentQuerySet.as_manager()
    unit_path = "report__task__lead_unit"
    grants = TASK_GRANTS

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("task"))
    requested_deadline = models.DateField(_("requested deadline"))
    old_deadline = models.DateField(_("deadline before"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=pgettext_lazy("extension", "requested by"))
    created = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(pgettext_lazy("extension request", "decision"), max_length=10, choices=Decision.choices,
                              default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    objects = ChildOfTaskQuerySet.as_manager()
    unit_path = "task__lead_unit"
    grants = TASK_GRANTS

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.task} → {self.requested_deadline:%d/%m/%Y}"


class CompletionDeclaration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        RETURNED = "returned", _("Returned")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("task"))
    declared_on = models.DateField(_("completed on"))
    note = models.TextField(_("result"), blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("declared by"))
    created = models.DateTimeField(_("declared at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    objects = ChildOfTaskQuerySet.as_manager()
    unit_path = "task__lead_unit"
    grants = TASK_GRANTS

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("completion declaration")
        verbose_name_plural = _("completion declarations")

    def __str__(self) -> str:
        return f"{self.task} ✓ {self.declared_on:%d/%m/%Y}"


class ReminderSent(models.Model):
    """One row per reminder actually sent: the unique key that makes a reminder happen once, written in
    the same transaction as the job that sends it is marked done."""

    class Stage(models.TextChoices):
        D_MINUS_7 = "d-7", _("7 days before the deadline")
        D_MINUS_3 = "d-3", _("3 days before the deadline")
        D0 = "d0", _("On the deadline")
        D_PLUS_1 = "d+1", _("Overdue (escalated)")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("task"))
    deadline = models.DateField(_("deadline"))
    stage = models.CharField(_("reminder stage"), max_length=4, choices=Stage.choices)
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["task", "deadline", "stage"], name="one_reminder_per_stage")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.deadline} {self.stage}"


class DigestSent(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    week = models.DateField(_("week (Monday)"))  # the Monday of the week
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly digest sent")
        verbose_name_plural = _("weekly digests sent")
        constraints = [models.UniqueConstraint(fields=["unit", "week"], name="one_digest_per_unit_week")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.week}"
