"""Reminders about deadlines, sent by the job worker (dxboard.jobs): one working day before the
deadline to the unit's officers; after it, to the officers and escalated to the unit's leaders and
the intake office. The scheduler enqueues with a dedupe key and the handler writes a unique
`ReminderSent` row, so a reminder goes out once whatever the number of workers."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from dxboard.accounts.models import Membership, Role
from dxboard.core.i18n import Message
from dxboard.core.notify import notify
from dxboard.jobs.queue import enqueue, handler, scheduler

from . import notices
from .models import Assignment, ReminderSent

BEFORE = datetime.timedelta(days=1)


def due(now: datetime.datetime):
    """(assignment, kind) pairs due now and not yet sent."""
    open_ = Assignment.objects.filter(outcome=Assignment.Outcome.OPEN, report__paused_at__isnull=True)
    sent = set(ReminderSent.objects.values_list("assignment_id", "kind"))
    for a in open_.filter(deadline__lte=now + BEFORE, deadline__gt=now):
        if (a.pk, "before") not in sent:
            yield a, "before"
    for a in open_.filter(deadline__lte=now):
        if (a.pk, "after") not in sent:
            yield a, "after"


@scheduler
def schedule(now: datetime.datetime) -> int:
    n = 0
    for assignment, kind in due(now):
        _, created = enqueue("feedback.reminder", {"assignment": assignment.pk, "kind": kind},
                             dedupe_key=f"feedback.reminder:{assignment.pk}:{kind}")
        n += int(created)
    return n


def send(assignment: Assignment, kind: str) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(assignment=assignment, kind=kind)
    except IntegrityError:
        return False
    roles = [Role.OFFICER] if kind == "before" else [Role.OFFICER, Role.LEADER, Role.ADMIN]
    units = [assignment.unit] if kind == "before" else [assignment.unit, assignment.unit.parent]
    users = [m.user for m in Membership.objects.filter(unit__in=[u for u in units if u], role__in=roles)
             .select_related("user")]
    report = assignment.report
    params = {"code": report.code, "deadline": assignment.deadline}  # the deadline written in the reader's way
    subject = (Message(gettext_noop("Report %(code)s: due %(deadline)s"), params) if kind == "before"
               else Message(gettext_noop("Report %(code)s: overdue since %(deadline)s"), params))
    notify(users, subject, notices.excerpt(report), reverse("feedback:office", args=[report.pk]))
    return True


@handler("feedback.reminder")
def run(job) -> None:
    assignment = (Assignment.objects.select_related("report", "unit__parent")
                  .filter(pk=job.payload["assignment"]).first())
    if assignment is not None and assignment.outcome == Assignment.Outcome.OPEN:
        send(assignment, job.payload["kind"])
