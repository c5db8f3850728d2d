"""Reminders D−7, D−3, D0, D+1 (escalated) and the weekly digest, scheduled and sent by the worker
through a real SMTP server."""

import datetime
import zoneinfo

import pytest
from django.utils import translation

from dxboard.accounts.models import Membership, Preference, Role
from dxboard.core.models import Notification
from dxboard.jobs import queue
from dxboard.jobs.models import Job
from dxboard.steering.models import ReminderSent
from dxboard.steering.reminders import due_stage, reminder_days, schedule
from dxboard.workdays.calendar import Calendar

D = datetime.date
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 8, 0, tzinfo=TZ)


def test_reminder_days_around_tet(holidays):
    """Deadline Monday 10/2/2025: D−7 is Monday 3/2, D−3 falls on Friday 7/2; D+1 is Tuesday 11/2.
    Deadline 3/2/2025 (after Tết): D−3 and D−7 fall in Tết, so they move back to Friday 24/1."""
    cal = Calendar()
    assert reminder_days(D(2025, 2, 10), cal) == {"d-7": D(2025, 2, 3), "d-3": D(2025, 2, 7), "d0": D(2025, 2, 10),
                                                  "d+1": D(2025, 2, 11)}
    assert reminder_days(D(2025, 2, 3), cal) == {"d-7": D(2025, 1, 24), "d-3": D(2025, 1, 24), "d0": D(2025, 2, 3),
                                                 "d+1": D(2025, 2, 4)}
    assert reminder_days(D(2025, 4, 29), cal)["d+1"] == D(2025, 5, 5)  # 30/4–4/5 off
    assert due_stage(D(2025, 2, 10), D(2025, 2, 2), cal) is None
    assert due_stage(D(2025, 2, 10), D(2025, 2, 5), cal) == "d-7"
    assert due_stage(D(2025, 2, 10), D(2025, 2, 10), cal) == "d0"
    assert due_stage(D(2025, 2, 10), D(2025, 2, 12), cal) == "d+1"
    assert due_stage(D(2025, 2, 10), D(2025, 3, 10), cal) is None  # stale


@pytest.fixture
def people(emails, tree, django_user_model):
    head = django_user_model.objects.create_user("chu_tich_a", email="chu_tich_a@example.org", password="x")
    Membership.objects.create(user=head, unit=tree["A"], role=Role.LEADER)
    return emails


def run_day(day):
    n = schedule(at(day))
    queue.work(worker="test")
    return n


def test_each_stage_is_sent_once_and_d_plus_1_escalates(make_task, people, smtp_server):
    task = make_task(deadline=D(2025, 6, 20))  # a Friday
    smtp_server.messages.clear()
    assert run_day(D(2025, 6, 12)) == 0  # D−8: nothing yet
    assert run_day(D(2025, 6, 13)) == 1  # D−7
    assert run_day(D(2025, 6, 13)) == 0  # scheduled again the same day: nothing new
    run_day(D(2025, 6, 17))
    run_day(D(2025, 6, 20))
    run_day(D(2025, 6, 23))  # a Monday: D+1, and the weekly digest
    run_day(D(2025, 6, 23))
    stages = list(ReminderSent.objects.filter(task=task).order_by("sent_at").values_list("stage", flat=True))
    assert stages == ["d-7", "d-3", "d0", "d+1"]
    reminders = [m for m in smtp_server.messages if "Tổng hợp" not in m["subject"]]
    assert all("hạn" in m["subject"] for m in reminders)  # in Vietnamese: nobody here chose English
    assert len(reminders) == len({m["message"]["Message-ID"] for m in reminders}) == 4
    first, *_middle, last = reminders
    assert first["to"] == ["officer_a@example.org"]
    assert sorted(last["to"]) == ["admin@example.org", "chu_tich_a@example.org", "officer_a@example.org"]
    assert Notification.objects.filter(user=people["admin"], link=f"/steering/tasks/{task.pk}/").count() == 1


def test_each_recipient_reads_the_reminder_in_their_language(make_task, people, smtp_server):
    Preference.objects.create(user=people["admin"], language="en")
    task = make_task(deadline=D(2025, 6, 20), title="Số hóa hồ sơ")
    smtp_server.messages.clear()
    run_day(D(2025, 6, 23))  # D+1: the officer (Vietnamese), the leader and the office (English)
    reminders = [m for m in smtp_server.messages if m["subject"].startswith(("Overdue", "Nhiệm vụ quá hạn"))]
    by_subject = {m["subject"]: sorted(m["to"]) for m in reminders}
    assert by_subject == {"Nhiệm vụ quá hạn: Số hóa hồ sơ (hạn 20/06/2025)": ["chu_tich_a@example.org",
                                                                               "officer_a@example.org"],
                          "Overdue task: Số hóa hồ sơ (deadline 20/06/2025)": ["admin@example.org"]}
    mine = Notification.objects.get(user=people["admin"], link=f"/steering/tasks/{task.pk}/")
    assert mine.subject.startswith("Overdue task") and "đơn vị" not in mine.body
    with translation.override("vi"):
        assert str(mine.shown_subject).startswith("Nhiệm vụ quá hạn")


def test_no_reminder_for_a_completed_or_extended_task(make_task, people, smtp_server):
    from dxboard.steering.models import Task

    done = make_task(deadline=D(2025, 6, 20))
    moved = make_task(deadline=D(2025, 6, 20))
    smtp_server.messages.clear()
    schedule(at(D(2025, 6, 20)))
    Task.objects.filter(pk=done.pk).update(completed_on=D(2025, 6, 19))
    Task.objects.filter(pk=moved.pk).update(deadline=D(2025, 7, 20), effective_deadline=D(2025, 7, 21))
    queue.work(worker="test")
    assert smtp_server.messages == [] and not ReminderSent.objects.exists()
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}


def test_nothing_is_scheduled_on_a_day_off(make_task, people):
    make_task(deadline=D(2025, 2, 3))
    assert schedule(at(D(2025, 1, 29))) == 0  # Tết


def test_weekly_digest_on_the_first_working_day_of_the_week(make_task, people, smtp_server):
    make_task(deadline=D(2025, 5, 9))
    make_task(deadline=D(2025, 4, 25))  # overdue by then
    smtp_server.messages.clear()
    # Week of 28/4/2025: Monday and Tuesday are working days (30/4 and 1/5 off): the digest goes Monday
    run_day(D(2025, 4, 28))
    digests = [m for m in smtp_server.messages if "Tổng hợp nhiệm vụ hằng tuần" in m["subject"]]
    assert len(digests) == 1 and digests[0]["to"] == ["officer_a@example.org"]
    assert "(QUÁ HẠN)" in digests[0]["body"] and "OVERDUE" not in digests[0]["body"]
    assert "2 nhiệm vụ quá hạn hoặc đến hạn trong tuần:" in digests[0]["body"]
    run_day(D(2025, 4, 29))
    assert len([m for m in smtp_server.messages if m["subject"] == digests[0]["subject"]]) == 1


def test_smtp_down_the_job_is_retried_and_nothing_is_recorded(make_task, people, settings):
    from tests.smtp import free_port

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2}}}
    make_task(deadline=D(2025, 6, 20))
    run_day(D(2025, 6, 20))
    job = Job.objects.get(kind="steering.reminder")
    assert job.status == Job.Status.QUEUED and job.attempts == 1 and job.last_error
    assert not ReminderSent.objects.exists()
