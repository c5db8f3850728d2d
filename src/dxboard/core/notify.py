import logging

from django.core.mail import send_mail
from django.db import transaction

from dxboard.jobs.models import Job
from dxboard.jobs.queue import handler

from .models import Notification

log = logging.getLogger(__name__)

MAIL_JOB = "core.mail"


def _people(users) -> list:
    """Each user once, in order; a missing one (a unit without an officer) left out."""
    return [u for u in dict.fromkeys(users) if u is not None]


def _mail_text(body: str, link: str) -> str:
    return f"{body}\n\n{link}".strip()


def notify(users, subject: str, body: str = "", link: str = "", *, mail_by_queue: bool = False) -> None:
    """Notify `users` in the platform now (inside the caller's transaction) and by e-mail.

    The e-mail goes on commit, from the request, by default. With `mail_by_queue` it is a job of the queue,
    enqueued in the caller's transaction and sent by `dxboard worker`: for notices on a citizen's path,
    where the request must not wait for the mail relay, and where a relay outage is retried, not dropped."""
    if mail_by_queue:
        notify_each([(users, subject, body, link)])
        return
    users = _people(users)
    Notification.objects.bulk_create([Notification(user=u, subject=subject[:200], body=body, link=link) for u in users])
    recipients = [u.email for u in users if u.email]
    if not recipients:
        return
    text = _mail_text(body, link)

    def send() -> None:
        try:
            send_mail(subject, text, None, recipients)
        except OSError:
            # The in-platform notification stands; a mail relay outage must not undo the action.
            log.warning("e-mail notification not sent: %s", subject)

    transaction.on_commit(send)


def notify_each(notices) -> int:
    """Many notices at once, e.g. one to each unit of a campaign: `notices` are (users, subject, body, link).

    All the notifications in one insert and all the e-mails as jobs in another (sent by the worker), so that
    telling 3,321 communes is two statements, not thousands, and the request opens no SMTP session.
    Returns the number of notifications made."""
    rows, mails = [], []
    for users, subject, body, link in notices:
        users = _people(users)
        rows += [Notification(user=u, subject=subject[:200], body=body, link=link) for u in users]
        recipients = [u.email for u in users if u.email]
        if recipients:
            mails.append(Job(kind=MAIL_JOB, payload={"to": recipients, "subject": subject,
                                                     "body": _mail_text(body, link)}))
    Notification.objects.bulk_create(rows, batch_size=1000)
    Job.objects.bulk_create(mails, batch_size=1000)
    return len(rows)


@handler(MAIL_JOB)
def send_queued_mail(job) -> None:
    """Send an e-mail enqueued by `notify(mail_by_queue=True)`; a relay error fails the job, which the queue
    tries again later (with back-off, up to the job's attempts)."""
    send_mail(job.payload["subject"], job.payload["body"], None, job.payload["to"])
