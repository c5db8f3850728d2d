"""The daily purge, run by the job worker (dxboard.jobs): the scheduler enqueues one job per day (its dedupe
key is the date), so the purge runs once a day whatever the number of workers."""

import datetime

from django.utils import timezone

from dxboard.jobs.queue import enqueue, handler, scheduler

KIND = "core.purge"


@scheduler
def schedule(now: datetime.datetime) -> int:
    _job, created = enqueue(KIND, dedupe_key=f"{KIND}:{timezone.localdate(now).isoformat()}")
    return int(created)


@handler(KIND)
def run(job) -> None:
    from .actions import purge_all

    purge_all(now=timezone.now())
