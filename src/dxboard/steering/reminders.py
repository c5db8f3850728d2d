"""Reminders (D−7, D−3, D0, D+1 escalated) and the weekly digest, sent by the background worker.

The scheduler (`schedule`, called by every worker loop) enqueues one job per reminder due, with a
dedupe key, so any number of workers may schedule at once. The handler writes the `ReminderSent`
row (unique on task × deadline × stage) and sends the e-mail inside the transaction that marks the
job done: a worker killed before the commit leaves neither the row nor "done", and the next worker
sends it; a second run finds the row and sends nothing. The one window left is a crash between the
SMTP server's acceptance and the commit (milliseconds); the Message-ID is derived from the reminder
key so that mail systems can fold such a duplicate.

Reminder days: D−7 and D−3 fall back to the previous working day; D0 is the effective deadline (a
working day); D+1 is the first working day after it, when the reminder escalates to the unit's
leaders and the standing office. When the worker has been down, only the latest stage reached is
sent, and nothing older than a week.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from dxboard.accounts.models import languages_of
from dxboard.core.i18n import Message, freeze, in_language
from dxboard.core.models import Notification
from dxboard.jobs.queue import enqueue, handler, scheduler
from dxboard.workdays.calendar import Calendar

from .models import DigestSent, ReminderSent, Task

STAGES = [ReminderSent.Stage.D_MINUS_7, ReminderSent.Stage.D_MINUS_3, ReminderSent.Stage.D0,
          ReminderSent.Stage.D_PLUS_1]
STALE_AFTER_DAYS = 7
# Joins the digest's lines; nothing to translate.
LINE_AFTER = "%(before)s\n%(line)s"


def reminder_days(effective_deadline: datetime.date, cal: Calendar) -> dict[str, datetime.date]:
    def back(days: int) -> datetime.date:
        d = effective_deadline - datetime.timedelta(days=days)
        while not cal.is_working_day(d):
            d -= datetime.timedelta(days=1)
        return d

    return {ReminderSent.Stage.D_MINUS_7: back(7), ReminderSent.Stage.D_MINUS_3: back(3),
            ReminderSent.Stage.D0: effective_deadline,
            ReminderSent.Stage.D_PLUS_1: cal.add_working_days(effective_deadline, 1)}


def due_stage(effective_deadline: datetime.date, today: datetime.date, cal: Calendar) -> str | None:
    """The latest stage reached on `today`, or None (none yet, or the latest is stale)."""
    reached = [(s, d) for s, d in reminder_days(effective_deadline, cal).items() if d <= today]
    if not reached:
        return None
    stage, day = reached[-1]
    return stage if (today - day).days <= STALE_AFTER_DAYS else None


def reminder_key(task_id: int, deadline: datetime.date, stage: str) -> str:
    return f"steering.reminder:{task_id}:{deadline.isoformat()}:{stage}"


@scheduler
def schedule(now: datetime.datetime) -> int:
    """Enqueue the reminders and digests due at `now`. Idempotent."""
    today = timezone.localdate(now)
    cal = Calendar()
    if not cal.is_working_day(today):
        return 0
    n = 0
    window = (today - datetime.timedelta(days=STALE_AFTER_DAYS + 10), today + datetime.timedelta(days=10))
    open_tasks = Task.objects.countable().filter(completed_on__isnull=True, effective_deadline__range=window)
    for pk, deadline in open_tasks.values_list("pk", "effective_deadline"):
        stage = due_stage(deadline, today, cal)
        if stage is None:
            continue
        _job, created = enqueue("steering.reminder", {"task": pk, "deadline": deadline.isoformat(), "stage": stage},
                                dedupe_key=reminder_key(pk, deadline, stage))
        n += created
    # The weekly digest goes on the first working day of the week.
    monday = today - datetime.timedelta(days=today.weekday())
    first = monday
    while not cal.is_working_day(first):
        first += datetime.timedelta(days=1)
    if today == first:
        units = (Task.objects.countable().filter(completed_on__isnull=True)
                 .values_list("lead_unit_id", flat=True).distinct())
        for unit_id in sorted(set(units)):
            _job, created = enqueue("steering.digest", {"unit": unit_id, "week": monday.isoformat()},
                                    dedupe_key=f"steering.digest:{unit_id}:{monday.isoformat()}")
            n += created
    return n


def _message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@dxboard.steering>"


def _send(users, subject, body, link: str, key: str) -> list[str]:
    """In-platform notifications and e-mails, each in its recipient's language: one e-mail per language
    (raises on SMTP failure: the job is retried)."""
    users = [u for u in dict.fromkeys(users) if u is not None]
    languages = languages_of(users)
    frozen = {"subject": freeze(subject), "body": freeze(body)}
    Notification.objects.bulk_create([
        Notification(user=u, subject=in_language(subject, languages[u.pk])[:200],
                     body=in_language(body, languages[u.pk]), link=link, text=frozen) for u in users])
    base = settings.SITE_URL.rstrip("/")
    recipients = []
    for code in sorted(set(languages.values())):
        to = sorted({u.email for u in users if u.email and languages[u.pk] == code})
        if not to:
            continue
        text = f"{in_language(body, code)}\n\n{base}{link}".strip()
        EmailMessage(in_language(subject, code)[:200], text, None, to,
                     headers={"Message-ID": _message_id(f"{key}:{code}")}).send()
        recipients += to
    return sorted(recipients)


def _lines(first, lines):
    """`first`, then each of `lines` on a line of its own, as one Message (kept whole for each reader)."""
    body = first
    for line in lines:
        body = Message(LINE_AFTER, {"before": body, "line": line})
    return body


@handler("steering.reminder")
def send_reminder(job) -> None:
    from . import actions

    task = Task.objects.select_related("lead_unit", "plan").filter(pk=job.payload["task"]).first()
    deadline = datetime.date.fromisoformat(job.payload["deadline"])
    stage = job.payload["stage"]
    if task is None or task.completed_on is not None or task.effective_deadline != deadline:
        return  # completed or extended since: nothing to remind
    try:
        with transaction.atomic():
            sent = ReminderSent.objects.create(task=task, deadline=deadline, stage=stage)
    except IntegrityError:
        return  # already sent
    day = task.deadline.strftime("%d/%m/%Y")
    params = {"title": task.title[:150], "day": day, "unit": task.lead_unit.name}
    users = actions.officers(task.lead_unit)
    if stage == ReminderSent.Stage.D_PLUS_1:
        subject = Message(gettext_noop("Overdue task: %(title)s (deadline %(day)s)"), params)
        body = Message(gettext_noop("The task “%(title)s” led by %(unit)s was due on %(day)s and is not "
                                      "completed. This reminder goes to the unit's leaders and the standing office."),
                         params)
        users += actions.unit_leaders(task.lead_unit) + actions.admins()
    elif stage == ReminderSent.Stage.D0:
        subject = Message(gettext_noop("Due today: %(title)s"), params)
        body = Message(gettext_noop("The task “%(title)s” led by %(unit)s is due today (%(day)s)."), params)
    else:
        subject = Message(gettext_noop("Reminder: %(title)s is due on %(day)s"), params)
        body = Message(gettext_noop("The task “%(title)s” led by %(unit)s is due on %(day)s. Please report "
                                      "progress or declare completion."), params)
    recipients = _send(users, subject, body, actions.link(task), reminder_key(task.pk, deadline, stage))
    sent.recipients = ", ".join(recipients)
    sent.save(update_fields=["recipients"])


@handler("steering.digest")
def send_digest(job) -> None:
    from django.urls import reverse

    from dxboard.units.models import Unit

    from . import actions
    from .status import DUE_SOON, OVERDUE

    unit = Unit.objects.filter(pk=job.payload["unit"]).first()
    week = datetime.date.fromisoformat(job.payload["week"])
    if unit is None:
        return
    try:
        with transaction.atomic():
            sent = DigestSent.objects.create(unit=unit, week=week)
    except IntegrityError:
        return
    today = timezone.localdate()
    tasks = list(Task.objects.countable().filter(lead_unit=unit, completed_on__isnull=True).with_status(today)
                 .filter(status__in=[OVERDUE, DUE_SOON]).order_by("status_rank", "effective_deadline"))
    if not tasks:
        return
    lines = [Message(gettext_noop("- [%(day)s] %(title)s (OVERDUE)") if t.status == OVERDUE
                     else gettext_noop("- [%(day)s] %(title)s"), {"day": f"{t.deadline:%d/%m/%Y}", "title": t.title})
             for t in tasks]
    subject = Message(gettext_noop("Weekly task digest for %(unit)s"), {"unit": unit.name})
    body = _lines(Message(gettext_noop("%(n)s tasks overdue or due within a week:"), {"n": len(tasks)}), lines)
    recipients = _send(actions.officers(unit), subject, body, reverse("steering:my-tasks"),
                       f"steering.digest:{unit.pk}:{week.isoformat()}")
    sent.recipients = ", ".join(recipients)
    sent.save(update_fields=["recipients"])
