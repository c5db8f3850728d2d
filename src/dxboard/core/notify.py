"""Notifications: in the platform and by e-mail, each written in its recipient's language.

Subjects and bodies are `core.i18n.Message`s (or plain text, e.g. what a citizen wrote): each person's copy is
translated into the language they chose (`accounts.Preference`, Vietnamese by default), and dates in them are
in the platform's time zone. Links are paths; e-mails carry them whole (SITE_URL + path).
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.functional import Promise

from dxboard.accounts.models import languages_of
from dxboard.jobs.models import Job
from dxboard.jobs.queue import handler

from .i18n import freeze, in_language
from .models import Notification

log = logging.getLogger(__name__)

MAIL_JOB = "core.mail"


def _people(users) -> list:
    """Each user once, in order; a missing one (a unit without an officer) left out."""
    return [u for u in dict.fromkeys(users) if u is not None]


def absolute(link: str) -> str:
    """A path of the platform as an address an e-mail reader can open."""
    if not link or "://" in link:
        return link
    return settings.SITE_URL.rstrip("/") + link


def _mail_text(body: str, link: str) -> str:
    return f"{body}\n\n{absolute(link)}".strip()


def _written(users, subject, body, link, languages: dict) -> tuple[list[Notification], list[tuple[list, str, str]]]:
    """The notifications of one notice, each in its recipient's language ({user id: code}), and its e-mails:
    one per language, (recipients, subject, text)."""
    rows, mail_to = [], defaultdict(list)
    texts: dict[str, tuple[str, str]] = {}
    frozen = {"subject": freeze(subject), "body": freeze(body)} if isinstance(subject, Promise) \
        or isinstance(body, Promise) else None
    for user in users:
        code = languages[user.pk]
        if code not in texts:
            texts[code] = (in_language(subject, code), in_language(body, code))
        rows.append(Notification(user=user, subject=texts[code][0][:200], body=texts[code][1], link=link,
                                 text=frozen))
        if user.email:
            mail_to[code].append(user.email)
    mails = [(to, texts[code][0], _mail_text(texts[code][1], link)) for code, to in mail_to.items()]
    return rows, mails


def notify(users, subject, body="", link: str = "", *, mail_by_queue: bool = False) -> None:
    """Notify `users` in the platform now (inside the caller's transaction) and by e-mail.

    The e-mail goes on commit, from the request, by default. With `mail_by_queue` it is a job of the queue,
    enqueued in the caller's transaction and sent by `dxboard worker`: for notices on a citizen's path,
    where the request must not wait for the mail relay, and where a relay outage is retried, not dropped."""
    if mail_by_queue:
        notify_each([(users, subject, body, link)])
        return
    users = _people(users)
    rows, mails = _written(users, subject, body, link, languages_of(users))
    Notification.objects.bulk_create(rows)
    for recipients, subject_text, text in mails:
        def send(recipients=recipients, subject_text=subject_text, text=text) -> None:
            try:
                send_mail(subject_text, text, None, recipients)
            except OSError:
                # The in-platform notification stands; a mail relay outage must not undo the action.
                log.warning("e-mail notification not sent: %s", subject_text)

        transaction.on_commit(send)


def notify_each(notices) -> int:
    """Many notices at once, e.g. one to each unit of a campaign: `notices` are (users, subject, body, link).

    All the notifications in one insert and all the e-mails as jobs in another (sent by the worker), so that
    telling 3,321 communes is a few statements, not thousands, and the request opens no SMTP session.
    Returns the number of notifications made."""
    notices = [(_people(users), subject, body, link) for users, subject, body, link in notices]
    languages = languages_of([u for users, *_rest in notices for u in users])
    rows, mails = [], []
    for users, subject, body, link in notices:
        written, e_mails = _written(users, subject, body, link, languages)
        rows += written
        mails += [Job(kind=MAIL_JOB, payload={"to": to, "subject": subject_text, "body": text})
                  for to, subject_text, text in e_mails]
    Notification.objects.bulk_create(rows, batch_size=1000)
    Job.objects.bulk_create(mails, batch_size=1000)
    return len(rows)


@handler(MAIL_JOB)
def send_queued_mail(job) -> None:
    """Send an e-mail enqueued by `notify(mail_by_queue=True)`; a relay error fails the job, which the queue
    tries again later (with back-off, up to the job's attempts)."""
    send_mail(job.payload["subject"], job.payload["body"], None, job.payload["to"])
