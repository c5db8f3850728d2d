"""A real `dxboard worker` killed with SIGKILL in the middle of an index recomputation.

The worker process gets a pause after it has inserted the new snapshot (a post_save receiver that
writes a marker file and sleeps — a window to kill it in, nothing of ours is replaced), inside the
job's transaction. While it is half-done and after it is killed, the public ranking still serves the
previous official result; after the lease, another worker runs the job again; exactly one new
snapshot exists and becomes the official result, with one audit row each.

The same for a reminder run, killed after its `ReminderSent` row and before its e-mail: the rerun
sends exactly one e-mail (tests/dxboard/jobs/test_worker_crash.py kills a worker before the handler)."""

import os
import signal
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.dxboard.jobs.test_worker_crash import reminders  # noqa: F401  (fixture)
from tests.smtp import smtp_server  # noqa: F401  (fixture)

from .conftest import database_url, subprocess_env, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = """
import os, pathlib, sys, time
import django
django.setup()
from django.conf import settings
if os.environ.get("SMTP_PORT"):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": int(os.environ["SMTP_PORT"])}}}
if os.environ.get("HALF_DONE_MARKER"):
    from django.apps import apps
    from django.db.models.signals import post_save

    def hold(sender, instance, created, **kwargs):
        if created:
            pathlib.Path(os.environ["HALF_DONE_MARKER"]).write_text(str(instance.pk))
            time.sleep(120)

    post_save.connect(hold, sender=apps.get_model(os.environ["HOLD_AFTER"]))
from django.core.management import call_command
call_command("worker", "--once", "--no-schedule", *sys.argv[1:])
"""


def start_worker(*args: str, marker=None, hold_after="index.ResultSnapshot", **env) -> subprocess.Popen:
    """A real worker process; with `marker`, it stops for two minutes right after inserting a
    `hold_after` row (inside the job's transaction), once it has written the marker file."""
    if marker:
        env |= {"HALF_DONE_MARKER": str(marker), "HOLD_AFTER": hold_after}
    env = subprocess_env(DATABASE_URL=database_url(), **env)
    return subprocess.Popen([sys.executable, "-c", SCRIPT, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def public_points(client, campaign) -> dict:
    cache.clear()  # the public pages are cached for a minute; here we want what the database serves
    response = client.get(reverse("portal:ranking", args=[campaign.pk]))
    assert response.status_code == 200
    return {row["code"]: row["points"] for row in response.context["rows"]}


def test_a_worker_killed_mid_recomputation(client, published, sub_b, personas, tmp_path):
    from dxboard.audit.models import AuditEntry
    from dxboard.index import actions
    from dxboard.index.models import Answer, Campaign, ResultSnapshot
    from dxboard.jobs.models import Job

    old = published.official
    assert public_points(client, published) == {"07210": 40.0, "09187": 19.0}
    # B's post count corrected (6 posts, not 2): the official result must be recomputed
    Answer.objects.filter(submission=sub_b, indicator__code="B2").update(verified_value=6,
                                                                          review=Answer.Review.ADJUSTED)
    job = actions.request_recompute(acting_user=personas["admin"], campaign=published)
    assert actions.request_recompute(acting_user=personas["admin"], campaign=published) == job  # once

    marker = tmp_path / "half-done"
    first = start_worker("--lease", "3", marker=marker)
    try:
        if not wait_for(marker.exists, 60):
            first.kill()
            out, err = first.communicate(10)
            pytest.fail(f"the worker never reached the snapshot: {out.decode()} {err.decode()[-3000:]} "
                        f"{list(Job.objects.values())}")
        # half-done: the new snapshot exists only inside the worker's open transaction
        assert ResultSnapshot.objects.count() == 1
        assert Campaign.objects.get(pk=published.pk).official == old
        assert public_points(client, published) == {"07210": 40.0, "09187": 19.0}
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    assert first.returncode == -signal.SIGKILL
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1
    assert ResultSnapshot.objects.count() == 1 and public_points(client, published) == {"07210": 40.0,
                                                                                          "09187": 19.0}
    # after the dead worker's lease, another worker runs the job again
    assert wait_for(lambda: Job.objects.get(pk=job.pk).locked_until < timezone.now(), 15)
    second = start_worker("--lease", "30")
    assert second.wait(120) == 0, second.stderr.read().decode()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    new = ResultSnapshot.objects.exclude(pk=old.pk).get()  # exactly one new result
    assert Campaign.objects.get(pk=published.pk).official == new
    assert public_points(client, published) == {"07210": 40.0, "09187": 25.0}
    assert AuditEntry.objects.filter(action="index.compute_results", object_id=str(new.pk)).count() == 1
    assert AuditEntry.objects.filter(action="index.set_official_result", after__official=new.pk).count() == 1
    # nothing left to do: a third worker changes nothing
    third = start_worker()
    assert third.wait(60) == 0
    assert ResultSnapshot.objects.count() == 2 and Job.objects.get(pk=job.pk).attempts == 2


def test_a_worker_killed_mid_reminder_run(reminders, smtp_server, tmp_path):  # noqa: F811
    from dxboard.jobs.models import Job
    from dxboard.steering.models import ReminderSent

    [task] = reminders(1)
    smtp_server.messages.clear()  # the "new task" notices
    job = Job.objects.get()
    marker = tmp_path / "half-done"
    first = start_worker("--lease", "3", marker=marker, hold_after="steering.ReminderSent",
                         SMTP_PORT=str(smtp_server.port))
    try:
        assert wait_for(marker.exists, 60), "the worker never reached the reminder"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    assert smtp_server.messages == [] and not ReminderSent.objects.exists()
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    assert wait_for(lambda: Job.objects.get(pk=job.pk).locked_until < timezone.now(), 15)
    second = start_worker("--lease", "30", SMTP_PORT=str(smtp_server.port))
    assert second.wait(120) == 0, second.stderr.read().decode()
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE
    assert len(smtp_server.messages) == 1 and "Nhiệm vụ 0" in smtp_server.messages[0]["subject"]
    assert ReminderSent.objects.filter(task=task).count() == 1
