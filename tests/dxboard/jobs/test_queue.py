"""The database-backed queue in one process: dedupe, claim by conditional UPDATE, leases, retries."""

import datetime

import pytest
from django.utils import timezone

from dxboard.jobs import queue
from dxboard.jobs.models import Job

CALLS = []


@queue.handler("tests.record")
def record_call(job):
    CALLS.append(job.payload["n"])


@queue.handler("tests.fail")
def fail(job):
    Job.objects.create(kind="tests.side-effect")  # rolled back with the failure
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()


def test_enqueue_with_a_dedupe_key_makes_one_job(db):
    a, created_a = queue.enqueue("tests.record", {"n": 1}, dedupe_key="k1")
    b, created_b = queue.enqueue("tests.record", {"n": 2}, dedupe_key="k1")
    assert created_a and not created_b and a.pk == b.pk
    assert Job.objects.count() == 1


def test_a_claimed_job_is_not_claimed_again_until_its_lease_expires(db):
    job, _ = queue.enqueue("tests.record", {"n": 1})
    assert queue.claim("w1", lease_seconds=60).pk == job.pk
    assert queue.claim("w2", lease_seconds=60) is None
    Job.objects.filter(pk=job.pk).update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    again = queue.claim("w2", lease_seconds=60)
    assert again.pk == job.pk and again.attempts == 2 and again.locked_by == "w2"
    # the first worker lost the job: it may not finish it
    assert queue.run(job, "w1") is False
    assert queue.run(again, "w2") is True
    assert CALLS == [1]
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE


def test_future_jobs_wait(db):
    queue.enqueue("tests.record", {"n": 1}, run_at=timezone.now() + datetime.timedelta(hours=1))
    assert queue.claim("w") is None


def test_work_runs_every_due_job_once_in_order(db):
    for n in range(5):
        queue.enqueue("tests.record", {"n": n})
    assert queue.work(worker="w") == 5
    assert CALLS == [0, 1, 2, 3, 4]
    assert queue.work(worker="w") == 0
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}


def test_a_failing_job_is_rolled_back_retried_later_then_failed(db):
    job, _ = queue.enqueue("tests.fail", max_attempts=2)
    assert queue.work(worker="w") == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1 and "boom" in job.last_error
    assert job.run_at > timezone.now() and not Job.objects.filter(kind="tests.side-effect").exists()
    Job.objects.filter(pk=job.pk).update(run_at=timezone.now())
    queue.work(worker="w")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 2


def test_an_unknown_kind_fails_without_crashing_the_worker(db):
    queue.enqueue("tests.nobody", max_attempts=1)
    assert queue.work(worker="w") == 1
    assert Job.objects.get().status == Job.Status.FAILED


def test_the_worker_command_once(db):
    from django.core.management import call_command

    queue.enqueue("tests.record", {"n": 7})
    call_command("worker", "--once", "--max-jobs", "5")
    assert CALLS == [7]
