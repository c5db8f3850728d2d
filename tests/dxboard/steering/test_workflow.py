"""A task followed through every status by the actions, audited; recurring tasks; refusals."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dxboard.audit.models import AuditEntry
from dxboard.steering import actions
from dxboard.steering.models import CompletionDeclaration, Decision, RecurrenceRule, Task
from dxboard.steering.status import DUE_SOON, IN_PROGRESS, LATE, ON_TIME, OVERDUE

D = datetime.date


def today():
    return timezone.localdate()


def test_follow_a_task_through_every_status(make_task, personas, tree):
    t0 = today()
    task = make_task(deadline=t0 + datetime.timedelta(days=30), coord=["D"])
    assert task.status(t0) == IN_PROGRESS
    assert task.status(t0 + datetime.timedelta(days=25)) == DUE_SOON
    report = actions.report_progress(acting_user=personas["officer_a"], task=task, percent=40, text="Đang làm",
                                     uploads=[SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 report")])
    assert report.unit == tree["A"] and report.attachments.count() == 1
    task.refresh_from_db()
    assert task.progress == 40
    # a coordinating unit reports too, without moving the lead unit's figure
    coord = actions.report_progress(acting_user=personas["dept_officer"], task=task, percent=90, text="Phần phối hợp")
    assert coord.unit == tree["D"]
    task.refresh_from_db()
    assert task.progress == 40
    # overdue once the deadline has passed
    assert task.status(task.effective_deadline + datetime.timedelta(days=1)) == OVERDUE
    # extension: refused, then approved
    ext = actions.request_extension(acting_user=personas["officer_a"], task=task,
                                    requested_deadline=task.deadline + datetime.timedelta(days=10), reason="Chờ vốn")
    actions.decide_extension(acting_user=personas["admin"], extension=ext, approve=False, note="Không")
    ext2 = actions.request_extension(acting_user=personas["officer_a"], task=task,
                                     requested_deadline=task.deadline + datetime.timedelta(days=10), reason="Chờ vốn")
    actions.decide_extension(acting_user=personas["admin"], extension=ext2, approve=True)
    task.refresh_from_db()
    assert task.deadline == task.original_deadline + datetime.timedelta(days=10)
    assert task.effective_deadline >= task.deadline
    assert ext.task.extensions.filter(status=Decision.REFUSED).count() == 1
    # completion returned: a wrong update counts as not completed
    decl = actions.declare_completion(acting_user=personas["officer_a"], task=task, note="Xong")
    actions.decide_completion(acting_user=personas["admin"], declaration=decl, confirm=False, note="Thiếu hồ sơ")
    task.refresh_from_db()
    assert task.completed_on is None and task.status(t0) == IN_PROGRESS
    # declared and confirmed: completed on time on the declared day
    decl = actions.declare_completion(acting_user=personas["officer_a"], task=task, declared_on=t0)
    actions.decide_completion(acting_user=personas["admin"], declaration=decl, confirm=True)
    task.refresh_from_db()
    assert task.completed_on == t0 and task.progress == 100 and task.status(t0) == ON_TIME
    verbs = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"steering.create_task", "steering.report_progress", "steering.request_extension",
            "steering.decide_extension", "steering.extend", "steering.declare_completion",
            "steering.decide_completion", "steering.complete"} <= verbs
    entry = AuditEntry.objects.filter(action="steering.extend").get()
    assert entry.before["deadline"] != entry.after["deadline"] and entry.actor == personas["admin"]


def test_a_completion_declared_after_the_deadline_is_late(make_task, personas):
    task = make_task(deadline=today() - datetime.timedelta(days=10))
    assert task.status(today()) == OVERDUE
    decl = actions.declare_completion(acting_user=personas["officer_a"], task=task)
    actions.decide_completion(acting_user=personas["admin"], declaration=decl, confirm=True)
    task.refresh_from_db()
    assert task.status(today()) == LATE


def test_the_standing_office_may_record_an_earlier_completion_date(make_task, personas):
    task = make_task(deadline=today() - datetime.timedelta(days=10))
    decl = actions.declare_completion(acting_user=personas["admin"], task=task,
                                      declared_on=today() - datetime.timedelta(days=11))
    actions.decide_completion(acting_user=personas["admin"], declaration=decl, confirm=True)
    task.refresh_from_db()
    assert task.status(today()) == ON_TIME


def test_refusals(make_task, personas):
    task = make_task(deadline=today() + datetime.timedelta(days=5), coord=["D"])
    with pytest.raises(actions.NotAllowed):
        actions.report_progress(acting_user=personas["officer_b"], task=task, percent=10, text="x")
    with pytest.raises(actions.NotAllowed):  # a coordinating unit does not ask for extensions
        actions.request_extension(acting_user=personas["dept_officer"], task=task,
                                  requested_deadline=task.deadline + datetime.timedelta(days=3), reason="x")
    with pytest.raises(actions.NotAllowed):
        actions.declare_completion(acting_user=personas["reviewer"], task=task)
    with pytest.raises(actions.NotAllowed):
        actions.create_task(acting_user=personas["leader"], plan=task.plan, title="x", lead_unit=task.lead_unit,
                            deadline=today())
    with pytest.raises(actions.ActionError, match="0"):
        actions.report_progress(acting_user=personas["officer_a"], task=task, percent=101, text="x")
    with pytest.raises(actions.ActionError):
        actions.request_extension(acting_user=personas["officer_a"], task=task, requested_deadline=task.deadline,
                                  reason="x")
    with pytest.raises(actions.ActionError):
        actions.declare_completion(acting_user=personas["officer_a"], task=task,
                                   declared_on=today() + datetime.timedelta(days=1))
    with pytest.raises(actions.ActionError, match="ngày sớm hơn"):  # no backdating into the deadline
        actions.declare_completion(acting_user=personas["officer_a"], task=task,
                                   declared_on=today() - datetime.timedelta(days=1))
    decl = actions.declare_completion(acting_user=personas["officer_a"], task=task)
    with pytest.raises(actions.NotAllowed):
        actions.decide_completion(acting_user=personas["officer_a"], declaration=decl, confirm=True)
    with pytest.raises(actions.NotAllowed):  # leaders read; the standing office decides
        actions.decide_completion(acting_user=personas["leader"], declaration=decl, confirm=True)
    with pytest.raises(actions.ActionError):
        actions.decide_completion(acting_user=personas["admin"], declaration=decl, confirm=False)  # no reason
    actions.decide_completion(acting_user=personas["admin"], declaration=decl, confirm=True)
    with pytest.raises(actions.ActionError):
        actions.decide_completion(acting_user=personas["admin"], declaration=decl, confirm=True)
    assert CompletionDeclaration.objects.get(pk=decl.pk).status == CompletionDeclaration.Status.CONFIRMED
    with pytest.raises(actions.ActionError):
        actions.report_progress(acting_user=personas["officer_a"], task=task, percent=10, text="x")


def test_an_upload_that_lies_about_its_kind_writes_nothing(make_task, personas):
    from dxboard.core.uploads import UploadError

    task = make_task()
    with pytest.raises(UploadError):
        actions.report_progress(acting_user=personas["officer_a"], task=task, percent=10, text="x",
                                uploads=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")])
    assert not task.reports.exists()


def test_a_monthly_report_on_the_fifth_working_day(make_task, plan):
    """5th working day of each month of 2025 from January: 1/1 off; Tết; 1–2 May off."""
    rule = RecurrenceRule.objects.create(frequency="monthly", working_day=5)
    template = make_task(deadline=D(2025, 6, 30), recurrence=rule, start_date=D(2025, 1, 1), title="Báo cáo tháng")
    occurrences = list(template.occurrences.order_by("deadline"))
    assert [o.deadline for o in occurrences] == [D(2025, 1, 8), D(2025, 2, 7), D(2025, 3, 7), D(2025, 4, 8),
                                                 D(2025, 5, 9), D(2025, 6, 6)]
    assert occurrences[0].title == "Báo cáo tháng — 01/2025" and occurrences[0].period_label == "01/2025"
    assert template.is_recurring and not Task.objects.countable().filter(pk=template.pk).exists()
    with pytest.raises(actions.ActionError):
        actions.declare_completion(acting_user=None, task=template)


def test_a_quarterly_report_in_the_month_after(make_task):
    rule = RecurrenceRule.objects.create(frequency="quarterly", working_day=3, months_after=1)
    template = make_task(deadline=D(2025, 12, 31), recurrence=rule, start_date=D(2025, 1, 1))
    assert [(o.period_label, o.deadline) for o in template.occurrences.order_by("deadline")] == [
        ("Q1/2025", D(2025, 4, 3)), ("Q2/2025", D(2025, 7, 3)), ("Q3/2025", D(2025, 10, 3)),
        ("Q4/2025", D(2026, 1, 6))]
