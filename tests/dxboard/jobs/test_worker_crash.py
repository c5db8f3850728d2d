"""Real worker processes against the test database and a real SMTP server: a worker killed with
SIGKILL after claiming a reminder leaves it to another worker, and the reminder is e-mailed exactly
once; three workers at once send each of twenty reminders exactly once."""

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "dxboard.settings.test"
import django
django.setup()
from django.conf import settings
settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                "OPTIONS": {"host": "127.0.0.1", "port": int(os.environ["SMTP_PORT"]), "timeout": 10}}}
from django.core.management import call_command
call_command("worker", *sys.argv[1:])
"""


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(port: int, *args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "SMTP_PORT": str(port), "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    return subprocess.Popen([sys.executable, "-c", SCRIPT, "--no-schedule", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(predicate, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def reminders(tree, personas):
    """`make(n)` tasks of commune A due today, each with its D0 reminder job queued."""
    from dxboard.jobs.queue import enqueue
    from dxboard.steering import actions
    from dxboard.steering.reminders import reminder_key

    personas["officer_a"].email = "officer_a@example.org"
    personas["officer_a"].save()
    plan = actions.create_plan(acting_user=None, unit=tree["P"], title="P", year=2025, start=datetime.date(2025, 1, 1),
                               end=datetime.date(2030, 1, 1))

    def make(n):
        today = timezone.localdate()
        tasks = []
        for i in range(n):
            task = actions.create_task(acting_user=None, plan=plan, title=f"Nhiệm vụ {i}", lead_unit=tree["A"],
                                       deadline=today)
            task.refresh_from_db()
            enqueue("steering.reminder", {"task": task.pk, "deadline": task.effective_deadline.isoformat(),
                                          "stage": "d0"},
                    dedupe_key=reminder_key(task.pk, task.effective_deadline, "d0"))
            tasks.append(task)
        return tasks

    return make


def test_a_worker_killed_mid_job_loses_nothing_and_doubles_nothing(reminders, smtp_server):
    from dxboard.jobs.models import Job
    from dxboard.steering.models import ReminderSent

    [task] = reminders(1)
    smtp_server.messages.clear()  # the "new task" notices
    job = Job.objects.get()
    first = start_worker(smtp_server.port, "--once", "--lease", "3", "--pause-after-claim", "60")
    try:
        assert wait_for(lambda: Job.objects.get(pk=job.pk).locked_by != ""), first.stderr.read1().decode()
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    job.refresh_from_db()
    assert first.returncode == -signal.SIGKILL
    assert job.status == Job.Status.QUEUED and job.attempts == 1
    assert smtp_server.messages == [] and not ReminderSent.objects.exists()
    # a second worker may not take it while the dead worker's lease runs …
    second = start_worker(smtp_server.port, "--once", "--lease", "3")
    assert second.wait(60) == 0, second.stderr.read().decode()
    if Job.objects.get(pk=job.pk).status != Job.Status.DONE:
        # … it ran before the lease expired: wait for the expiry and run again
        assert wait_for(lambda: Job.objects.get(pk=job.pk).locked_until < timezone.now(), 10)
        third = start_worker(smtp_server.port, "--once", "--lease", "3")
        assert third.wait(60) == 0, third.stderr.read().decode()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["to"] == ["officer_a@example.org"] and "Nhiệm vụ 0" in message["subject"]
    assert ReminderSent.objects.filter(task=task, stage="d0").count() == 1
    # running again sends nothing more
    again = start_worker(smtp_server.port, "--once")
    assert again.wait(60) == 0
    assert len(smtp_server.messages) == 1


def test_three_workers_at_once_send_each_reminder_exactly_once(reminders, smtp_server):
    from dxboard.jobs.models import Job

    tasks = reminders(20)
    smtp_server.messages.clear()
    workers = [start_worker(smtp_server.port, "--once", "--lease", "60") for _ in range(3)]
    for w in workers:
        assert w.wait(120) == 0, w.stderr.read().decode()
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}
    subjects = sorted(m["subject"] for m in smtp_server.messages)
    assert len(subjects) == 20 and len(set(subjects)) == 20
    assert all(any(f"Nhiệm vụ {i}" in s for s in subjects) for i in range(len(tasks)))
    assert max(Job.objects.values_list("attempts", flat=True)) == 1
