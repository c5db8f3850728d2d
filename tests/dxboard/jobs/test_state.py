"""A queued job's state, for the person who queued it: waiting, running, done or failed, until it ends."""

import datetime

from django.utils import timezone

from dxboard.jobs.models import Job
from dxboard.jobs.queue import enqueue


def test_the_state_is_shown_to_whoever_queued_it_and_to_the_office_only(login, personas):
    job, _ = enqueue("core.mail", {"to": [], "subject": "", "body": ""}, requested_by=personas["officer_a"])
    assert login(personas["officer_a"]).get(f"/jobs/{job.pk}/").status_code == 200
    assert login(personas["admin"]).get(f"/jobs/{job.pk}/").status_code == 200
    for other in ("officer_b", "leader", "reviewer"):
        assert login(personas[other]).get(f"/jobs/{job.pk}/").status_code == 404


def test_each_state_is_told_in_words_and_the_page_reloads_once_it_ended(login, personas):
    job, _ = enqueue("core.mail", {}, requested_by=personas["officer_a"])
    client = login(personas["officer_a"])
    waiting = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert "Đang chờ" in waiting.content.decode() and 'hx-trigger="every 2s"' in waiting.content.decode()
    assert "HX-Refresh" not in waiting
    Job.objects.filter(pk=job.pk).update(locked_by="w", locked_until=timezone.now() + datetime.timedelta(minutes=5))
    assert "Đang chạy" in client.get(f"/jobs/{job.pk}/").content.decode()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, locked_until=None, finished_at=timezone.now())
    failed = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert "Không thành công" in failed.content.decode() and "every 2s" not in failed.content.decode()
    assert failed["HX-Refresh"] == "true"
