"""Notices: one at a time (e-mail on commit, or queued) and many at once (a campaign's units)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxboard.core.models import Notification
from dxboard.core.notify import MAIL_JOB, notify_each
from dxboard.jobs import queue
from dxboard.jobs.models import Job
from tests.smtp import smtp_server  # noqa: F401  (fixture)


def test_many_notices_are_two_statements_whatever_their_number(personas, smtp_server):  # noqa: F811
    people = [personas[p] for p in ("officer_a", "officer_b", "leader", "reviewer")]
    notices = [([person], f"Thông báo {i}", "Nội dung", f"/x/{i}/") for i, person in enumerate(people * 25)]
    notices.append(([None], "nobody", "", ""))  # a unit without officers: no notification, no e-mail
    with CaptureQueriesContext(connection) as queries:
        made = notify_each(notices)
    assert made == 100 == Notification.objects.count()
    assert len([q for q in queries if q["sql"].startswith("INSERT")]) == 2 and len(queries) <= 4
    jobs = Job.objects.filter(kind=MAIL_JOB)
    assert jobs.count() == 100 and not smtp_server.messages  # nothing sent from the request
    assert queue.work(max_jobs=200) == 100
    assert len(smtp_server.messages) == 100
    first = next(m for m in smtp_server.messages if m["subject"] == "Thông báo 0")
    assert first["to"] == ["officer_a@example.org"] and "/x/0/" in first["body"]
