"""What is past its retention period, and how each kind is erased (Decree 356/2025/ND-CP, Law 91/2025/QH15).

Each eraser takes the cutoff and returns how many records it erased; erasing again at the same cutoff erases
nothing (what was erased no longer matches). Called only by `core.actions.purge`, which records the run.

- Reporters: a closed or rejected report's name, phone and e-mail (a merged duplicate's with its report's),
  through `feedback.forget_reporter` (the citizen's own "delete my data"): the report, its answer and its
  public page stay.
- Traces: the hashed device and address on reports (the submission limits look back one hour only), the
  failed-login counters (they count within minutes), and the submission limit keys no report holds any more.
- Notifications: in-platform notifications, the development outbox, and the queued e-mails the worker
  finished (their payload holds the address, subject and body).

The audit log is not erased here: it is append-only (model guard and database triggers); see docs/deploy.md.
"""

import datetime

from django.conf import settings
from django.db.models import Q, Value
from django.db.models.functions import Concat

from .models import PurgeRun

PERIODS = {
    PurgeRun.Kind.REPORTER: "RETENTION_REPORTER_DAYS",
    PurgeRun.Kind.TRACES: "RETENTION_TRACE_DAYS",
    PurgeRun.Kind.NOTIFICATIONS: "RETENTION_NOTIFICATION_DAYS",
}


def days(kind: str) -> int:
    return getattr(settings, PERIODS[kind])


def erase_reporters(cutoff: datetime.datetime) -> int:
    from dxboard.feedback.actions import forget_reporter
    from dxboard.feedback.models import Report, Status

    ended = [Status.CLOSED, Status.REJECTED]
    # A duplicate's reporter is told of the report it was merged into (actions.answer): theirs is kept as long.
    past = (Q(status__in=ended, closed_at__lt=cutoff)
            | Q(status=Status.MERGED, merged_into__status__in=ended, merged_into__closed_at__lt=cutoff))
    reports = Report.objects.filter(past, personal__isnull=False,
                                    personal__anonymised_at__isnull=True).order_by("pk")
    n = 0
    for report in reports.iterator():
        forget_reporter(report, acting_user=None)
        n += 1
    return n


def erase_traces(cutoff: datetime.datetime) -> int:
    from dxboard.accounts.models import LoginThrottle
    from dxboard.feedback.models import RateKey, Report

    n = Report.objects.filter(created_at__lt=cutoff).exclude(device_hash="", ip_hash="").update(
        device_hash="", ip_hash="")
    quiet = ((Q(first_failure__lt=cutoff) | Q(first_failure__isnull=True))
             & (Q(locked_until__lt=cutoff) | Q(locked_until__isnull=True)))
    n += LoginThrottle.objects.filter(quiet).delete()[0]
    # A key is created again by the next submission that needs it (limits.refusal), so dropping one no report
    # holds loses nothing; Open311 client keys ("client:<id>") name an application, not a person, and stay.
    for prefix, field in (("device:", "device_hash"), ("ip:", "ip_hash")):
        held = Report.objects.exclude(**{field: ""}).annotate(k=Concat(Value(prefix), field)).values("k")
        n += RateKey.objects.filter(key__startswith=prefix).exclude(key__in=held).delete()[0]
    return n


def erase_notifications(cutoff: datetime.datetime) -> int:
    from dxboard.jobs.models import Job

    from .models import Notification, OutboxMail
    from .notify import MAIL_JOB

    n = Notification.objects.filter(created__lt=cutoff).delete()[0]
    n += OutboxMail.objects.filter(sent__lt=cutoff).delete()[0]
    n += Job.objects.filter(kind=MAIL_JOB, finished_at__lt=cutoff).exclude(status=Job.Status.QUEUED).delete()[0]
    return n


ERASERS = {
    PurgeRun.Kind.REPORTER: erase_reporters,
    PurgeRun.Kind.TRACES: erase_traces,
    PurgeRun.Kind.NOTIFICATIONS: erase_notifications,
}
