"""A new report tells the intake office in the platform at once and by e-mail through the job queue:
the citizen's request never waits for the mail relay, and a relay outage is retried, not lost."""

from dxboard.core.models import Notification
from dxboard.core.notify import MAIL_JOB
from dxboard.feedback import actions
from dxboard.jobs import queue
from dxboard.jobs.models import Job
from tests.smtp import free_port, smtp_server  # noqa: F401  (fixture)


def submit(fb, tree, key="k1"):
    return actions.submit(category=fb["procedure"], description="Hồ sơ chậm trả kết quả", consent=fb["consent"],
                          commune=tree["A"], idempotency_key=key, name="Nguyễn Văn An", phone="0912345678")[0]


def test_the_office_is_notified_now_and_mailed_by_the_worker(fb, tree, personas, smtp_server):  # noqa: F811
    report = submit(fb, tree)
    notice = Notification.objects.get(user=personas["admin"])
    assert report.code in notice.subject and notice.link.endswith(f"/{report.pk}/")
    # only the intake office (administrators) is told, never a handling unit's officer
    assert not Notification.objects.exclude(user=personas["admin"]).exists()
    job = Job.objects.get(kind=MAIL_JOB)
    assert job.payload["to"] == ["admin@example.org"] and not smtp_server.messages
    assert queue.work(max_jobs=5) == 1
    [mail] = smtp_server.messages
    assert mail["to"] == ["admin@example.org"] and report.code in mail["subject"]
    assert "Hồ sơ chậm trả kết quả" in mail["body"]
    # the citizen's contact details never travel in the office's e-mail
    assert "0912345678" not in mail["body"] and "Nguyễn Văn An" not in mail["body"]
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE


def test_a_relay_outage_keeps_the_mail_queued_and_the_report_stored(fb, tree, personas, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2}}}
    report = submit(fb, tree)
    queue.work(max_jobs=5)
    job = Job.objects.get(kind=MAIL_JOB)
    assert job.status == Job.Status.QUEUED and job.attempts == 1 and "Connection" in job.last_error
    assert report.pk and Notification.objects.filter(user=personas["admin"]).count() == 1


def test_a_retried_submission_notifies_once(fb, tree, personas):
    submit(fb, tree)
    submit(fb, tree)  # the same idempotency key and body: the stored report, no new notice
    assert Notification.objects.count() == 1 and Job.objects.filter(kind=MAIL_JOB).count() == 1


def test_the_notice_names_the_category_in_each_readers_language(fb, tree, personas):
    from django.utils import translation

    from dxboard.accounts.actions import set_language

    fb["procedure"].name_en = "Administrative procedures"
    fb["procedure"].save()
    set_language(acting_user=personas["admin"], language="en")
    report = submit(fb, tree)
    notice = Notification.objects.get(user=personas["admin"])
    assert notice.subject == f"{report.code}: Administrative procedures"  # written in their language
    with translation.override("vi"):  # and read again in Vietnamese if they switch back
        assert str(notice.shown_subject) == f"{report.code}: {fb['procedure'].name}"
