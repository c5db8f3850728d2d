"""Enqueue, claim and run jobs; the registry of handlers (by kind) and schedulers.

Handlers are plain functions `handler(job)`, registered with `@handler("app.kind")`. They run inside
the transaction that marks the job done: any database write they make (and in particular the unique
row that makes a side effect happen once) commits with "done" or not at all. Schedulers are functions
`scheduler(now)` called by the worker loop every few seconds to enqueue what is due; they must be
idempotent (use `dedupe_key`).
"""

import datetime
import logging
import os
import socket
import traceback
import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Job

log = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[[Job], None]] = {}
SCHEDULERS: list[Callable[[datetime.datetime], int]] = []


def handler(kind: str):
    def register(fn):
        HANDLERS[kind] = fn
        return fn

    return register


def scheduler(fn):
    if fn not in SCHEDULERS:
        SCHEDULERS.append(fn)
    return fn


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def enqueue(kind: str, payload: dict | None = None, *, run_at: datetime.datetime | None = None,
            dedupe_key: str | None = None, max_attempts: int = 5, requested_by=None) -> tuple[Job, bool]:
    """Add a job; with a `dedupe_key` already used, return the existing job instead (created=False).
    `requested_by`: the person who pressed the button, who follows the job's state on the page."""
    requested_by = requested_by if requested_by is not None and requested_by.is_authenticated else None
    if not dedupe_key:  # nothing to collide with: no savepoint needed (jobs enqueued on hot paths)
        return Job.objects.create(kind=kind, payload=payload or {}, run_at=run_at or timezone.now(),
                                  max_attempts=max_attempts, requested_by=requested_by), True
    existing = Job.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, payload=payload or {}, run_at=run_at or timezone.now(),
                                     dedupe_key=dedupe_key, max_attempts=max_attempts, requested_by=requested_by)
    except IntegrityError:
        return Job.objects.get(dedupe_key=dedupe_key), False
    return job, True


def _claimable(now):
    return Job.objects.filter(status=Job.Status.QUEUED, run_at__lte=now).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now))


def claim(worker: str, lease_seconds: int = 60, kinds: list[str] | None = None) -> Job | None:
    """Take one due job with a conditional UPDATE: at most one worker's UPDATE matches the row."""
    now = timezone.now()
    candidates = _claimable(now)
    if kinds:
        candidates = candidates.filter(kind__in=kinds)
    for pk in candidates.order_by("run_at", "pk").values_list("pk", flat=True)[:20]:
        taken = _claimable(now).filter(pk=pk).update(
            locked_by=worker, locked_until=now + datetime.timedelta(seconds=lease_seconds),
            attempts=F("attempts") + 1)
        if taken == 1:
            return Job.objects.get(pk=pk)
    return None


def run(job: Job, worker: str) -> bool:
    """Run a claimed job. True when it is done; False when it failed (retried later) or was lost."""
    fn = HANDLERS.get(job.kind)
    try:
        with transaction.atomic():
            # Still ours? (row-locked on PostgreSQL; SQLite's write lock is whole-database already)
            mine = Job.objects.select_for_update().filter(pk=job.pk, locked_by=worker,
                                                          status=Job.Status.QUEUED).exists()
            if not mine:
                return False
            if fn is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            fn(job)
            Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now(),
                                                 locked_until=None, last_error="")
        return True
    except Exception:
        log.exception("job %s failed", job)
        error = traceback.format_exc()[-4000:]
        now = timezone.now()
        fields = {"last_error": error, "locked_until": None, "locked_by": ""}
        if job.attempts >= job.max_attempts:
            fields |= {"status": Job.Status.FAILED, "finished_at": now}
        else:
            fields["run_at"] = now + datetime.timedelta(seconds=min(3600, 30 * 2 ** (job.attempts - 1)))
        Job.objects.filter(pk=job.pk, locked_by=worker).update(**fields)
        return False


def run_schedulers(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    total = 0
    for fn in SCHEDULERS:
        try:
            total += fn(now) or 0
        except Exception:
            log.exception("scheduler %s failed", fn.__name__)
    return total


def work(*, worker: str | None = None, max_jobs: int | None = None, lease_seconds: int = 60,
         pause_after_claim: float = 0.0) -> int:
    """Run due jobs until none is left (or `max_jobs` ran). Returns the number run."""
    import time

    worker = worker or worker_name()
    ran = 0
    while max_jobs is None or ran < max_jobs:
        job = claim(worker, lease_seconds)
        if job is None:
            break
        if pause_after_claim:
            time.sleep(pause_after_claim)  # tests: a window in which the worker can be killed
        run(job, worker)
        ran += 1
    return ran
