"""The personal-data purge (core.retention, core.actions.purge): what is past its period goes, what is younger
stays, each run leaves a PurgeRun and an audit row, and a report stays public with its answer once its reporter's
name, phone and e-mail are erased. The times are written out by hand from the periods set here."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from dxboard.accounts.models import LoginThrottle
from dxboard.audit.models import AuditEntry
from dxboard.core.actions import purge, purge_all
from dxboard.core.models import Notification, OutboxMail, PurgeRun
from dxboard.feedback import actions
from dxboard.feedback.models import PersonalData, RateKey, Report
from dxboard.jobs import queue
from dxboard.jobs.models import Job

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
# 365 days before NOW is 2025-12-01 02:00; 180 days before is 2026-06-04 02:00; 90 days before is 2026-09-02 02:00.
REPORTER_CUTOFF = datetime.datetime(2025, 12, 1, 2, 0, tzinfo=UTC)
TRACE_CUTOFF = datetime.datetime(2026, 6, 4, 2, 0, tzinfo=UTC)
NOTICE_CUTOFF = datetime.datetime(2026, 9, 2, 2, 0, tzinfo=UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.RETENTION_REPORTER_DAYS = 365
    settings.RETENTION_TRACE_DAYS = 180
    settings.RETENTION_NOTIFICATION_DAYS = 90


def closed(make_report, personas, tree, *, at, text="Đã thay bóng đèn", **kw):
    """An accepted report, answered by commune A and closed by the citizen's rating at `at`."""
    report = make_report(accepted=True, **kw)
    actions.route(report, tree["A"], acting_user=personas["admin"])
    actions.answer(report, acting_user=personas["officer_a"], text=text)
    actions.rate(report, score=5)
    Report.objects.filter(pk=report.pk).update(closed_at=at)
    return report


def personal(report) -> tuple:
    p = PersonalData.objects.get(report=report)
    return p.name, p.phone, p.email


def test_reporters_data_goes_after_its_period_and_the_report_stays_public(make_report, personas, tree, client):
    old = closed(make_report, personas, tree, at=REPORTER_CUTOFF - HOUR, text="Đã thay bóng đèn cũ")
    young = closed(make_report, personas, tree, at=REPORTER_CUTOFF + HOUR)
    rejected = make_report()
    actions.reject(rejected, acting_user=personas["admin"], reason="Không thuộc thẩm quyền")
    Report.objects.filter(pk=rejected.pk).update(closed_at=REPORTER_CUTOFF - 30 * 24 * HOUR)
    duplicate = make_report()
    actions.merge(duplicate, young, acting_user=personas["admin"])
    old_duplicate = make_report()
    actions.merge(old_duplicate, old, acting_user=personas["admin"])
    still_open = make_report()
    Report.objects.filter(pk=still_open.pk).update(created_at=REPORTER_CUTOFF - 400 * 24 * HOUR)

    run = purge(PurgeRun.Kind.REPORTER, now=NOW)

    assert (run.rows, run.cutoff, run.days, run.at) == (3, REPORTER_CUTOFF, 365, NOW)
    assert personal(old) == personal(rejected) == personal(old_duplicate) == ("", "", "")
    assert (personal(young) == personal(duplicate) == personal(still_open)
            == ("Nguyễn Văn An", "0912345678", "an@example.org"))
    old.refresh_from_db()
    assert old.is_public and old.answers.get().text == "Đã thay bóng đèn cũ"
    page = client.get(reverse("feedback:follow", args=[old.code])).content.decode()
    assert "Đã thay bóng đèn cũ" in page and "Nguyễn Văn An" not in page
    entry = AuditEntry.objects.get(action="core.purge")
    assert (entry.object_type, entry.object_id) == ("core.purgerun", str(run.pk))
    assert entry.after == {"kind": "reporter", "days": 365, "cutoff": REPORTER_CUTOFF.isoformat(), "rows": 3}
    assert AuditEntry.objects.filter(action="feedback.forget_reporter").count() == 3

    again = purge(PurgeRun.Kind.REPORTER, now=NOW)
    assert again.rows == 0 and PurgeRun.objects.count() == 2
    assert AuditEntry.objects.filter(action="core.purge").count() == 2
    assert AuditEntry.objects.filter(action="feedback.forget_reporter").count() == 3


def test_traces_go_after_their_period(make_report):
    old = make_report(device_id="old-phone", ip="10.0.0.1")
    young = make_report(device_id="new-phone", ip="10.0.0.2")
    Report.objects.filter(pk=old.pk).update(created_at=TRACE_CUTOFF - HOUR)
    Report.objects.filter(pk=young.pk).update(created_at=TRACE_CUTOFF + HOUR)
    old.refresh_from_db()
    young.refresh_from_db()
    old_keys = {f"device:{old.device_hash}", f"ip:{old.ip_hash}"}
    young_keys = {f"device:{young.device_hash}", f"ip:{young.ip_hash}"}
    assert set(RateKey.objects.values_list("key", flat=True)) == old_keys | young_keys
    RateKey.objects.create(key="client:7")  # an Open311 application, not a person
    LoginThrottle.objects.create(username="an", address="10.0.0.9", failures=2,
                                 first_failure=TRACE_CUTOFF - HOUR)
    LoginThrottle.objects.create(username="", address="10.0.0.9", first_failure=None,
                                 locked_until=TRACE_CUTOFF - 2 * HOUR)
    LoginThrottle.objects.create(username="binh", address="10.0.0.8", failures=1,
                                 first_failure=TRACE_CUTOFF + HOUR)

    run = purge(PurgeRun.Kind.TRACES, now=NOW)

    assert (run.rows, run.cutoff) == (1 + 2 + 2, TRACE_CUTOFF)  # one report, two counters, two keys
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.device_hash, old.ip_hash) == ("", "")
    assert young.device_hash and young.ip_hash
    assert set(RateKey.objects.values_list("key", flat=True)) == young_keys | {"client:7"}
    assert list(LoginThrottle.objects.values_list("username", flat=True)) == ["binh"]
    assert AuditEntry.objects.get(action="core.purge").after["rows"] == 5
    assert purge(PurgeRun.Kind.TRACES, now=NOW).rows == 0


def test_notifications_and_sent_mail_go_after_their_period(personas):
    user = personas["officer_a"]
    old_note = Notification.objects.create(user=user, subject="Cũ")
    young_note = Notification.objects.create(user=user, subject="Mới")
    Notification.objects.filter(pk=old_note.pk).update(created=NOTICE_CUTOFF - HOUR)
    Notification.objects.filter(pk=young_note.pk).update(created=NOTICE_CUTOFF + HOUR)
    old_mail = OutboxMail.objects.create(to="an@example.org", subject="Cũ")
    young_mail = OutboxMail.objects.create(to="an@example.org", subject="Mới")
    OutboxMail.objects.filter(pk=old_mail.pk).update(sent=NOTICE_CUTOFF - HOUR)
    OutboxMail.objects.filter(pk=young_mail.pk).update(sent=NOTICE_CUTOFF + HOUR)
    payload = {"to": ["an@example.org"], "subject": "Cũ", "body": "…"}
    sent = Job.objects.create(kind="core.mail", payload=payload, status=Job.Status.DONE,
                              finished_at=NOTICE_CUTOFF - HOUR)
    waiting = Job.objects.create(kind="core.mail", payload=payload, run_at=NOTICE_CUTOFF - HOUR)
    recent = Job.objects.create(kind="core.mail", payload=payload, status=Job.Status.FAILED,
                                finished_at=NOTICE_CUTOFF + HOUR)

    run = purge(PurgeRun.Kind.NOTIFICATIONS, now=NOW)

    assert (run.rows, run.cutoff) == (3, NOTICE_CUTOFF)
    assert list(Notification.objects.values_list("pk", flat=True)) == [young_note.pk]
    assert list(OutboxMail.objects.values_list("pk", flat=True)) == [young_mail.pk]
    assert set(Job.objects.filter(kind="core.mail").values_list("pk", flat=True)) == {waiting.pk, recent.pk}
    assert not Job.objects.filter(pk=sent.pk).exists()
    assert purge(PurgeRun.Kind.NOTIFICATIONS, now=NOW).rows == 0


def test_the_worker_purges_once_a_day(db):
    assert queue.run_schedulers(NOW) >= 1
    queue.run_schedulers(NOW + HOUR)  # the same day: no second purge job
    assert Job.objects.filter(kind="core.purge").count() == 1
    queue.work(max_jobs=20)
    assert Job.objects.get(kind="core.purge").status == Job.Status.DONE
    assert sorted(PurgeRun.objects.values_list("kind", flat=True)) == sorted(PurgeRun.Kind.values)
    queue.run_schedulers(NOW + 24 * HOUR)
    assert Job.objects.filter(kind="core.purge").count() == 2


def test_the_command_purges_by_hand(db):
    call_command("purge", "--kind", "notifications")
    assert list(PurgeRun.objects.values_list("kind", flat=True)) == ["notifications"]
    call_command("purge")
    assert PurgeRun.objects.count() == 4


def test_the_purge_history_is_the_administrators_page(personas, login, settings):
    purge_all(now=NOW)
    url = reverse("core:purge_history")
    page = login(personas["admin"]).get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Thời hạn lưu trữ dữ liệu cá nhân" in text and "365 ngày" in text and "01/12/2025" in text
    assert login(personas["officer_a"]).get(url).status_code == 404
