"""Pull: the worker fetches a configured JSON endpoint (a local HTTP server here), retries a failed
fetch and records every attempt."""

import datetime
import http.server
import json
import threading

import pytest
from django.utils import timezone

from dxboard.jobs.models import Job
from dxboard.jobs.queue import run_schedulers, work
from dxboard.kpi.models import FetchLog, Observation, PullEndpoint


@pytest.fixture
def server(tree):
    """Answers 500 to the first `fail` requests, then the JSON in `state["body"]`."""
    state = {"fail": 1, "hits": 0, "body": {}}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            state["hits"] += 1
            if state["hits"] <= state["fail"]:
                self.send_response(500)
                self.end_headers()
                return
            data = json.dumps(state["body"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{httpd.server_address[1]}/kpi.json"
    yield state
    httpd.shutdown()
    httpd.server_close()


def _due_now():
    Job.objects.filter(status=Job.Status.QUEUED).update(run_at=timezone.now() - datetime.timedelta(seconds=1))


def test_a_failed_fetch_is_retried_and_every_attempt_recorded(tree, source, server):
    system, _token = source
    server["body"] = {"observations": [
        {"metric": "T_RATE", "unit": tree["A"].code, "period": "2026-W02", "numerator": 8, "denominator": 10},
        {"metric": "T_RATE", "unit": tree["B"].code, "period": "2026-W02", "numerator": 5, "denominator": 10}]}
    endpoint = PullEndpoint.objects.create(source=system, url=server["url"], every_minutes=60)
    assert run_schedulers() >= 1
    assert run_schedulers() == 0  # idempotent within the slot
    assert Job.objects.filter(kind="kpi.pull").count() == 1
    work()
    first = FetchLog.objects.get()
    assert (first.ok, first.status_code, first.attempt) == (False, 500, 1)
    retry = Job.objects.get(status=Job.Status.QUEUED)
    assert retry.payload == {"endpoint": endpoint.pk, "attempt": 2} and retry.run_at > timezone.now()
    _due_now()
    assert work() == 1
    second = FetchLog.objects.order_by("pk").last()
    assert (second.ok, second.status_code, second.attempt, second.stored) == (True, 200, 2, 2)
    assert Observation.objects.filter(source="vbdh").count() == 2
    assert server["hits"] == 2


def test_the_pulled_batch_obeys_the_source_rights(tree, source, server):
    system, _token = source
    server["fail"] = 0
    server["body"] = [{"metric": "T_OTHER", "unit": tree["A"].code, "period": "2026-W02", "numerator": 1,
                       "denominator": 2}]
    PullEndpoint.objects.create(source=system, url=server["url"])
    run_schedulers()
    work()
    log = FetchLog.objects.get()
    assert not log.ok and "T_OTHER" in log.error
    assert not Observation.objects.exists()


def test_gives_up_after_the_last_attempt(tree, source, server):
    from dxboard.kpi import pull

    system, _token = source
    server["fail"] = 99
    PullEndpoint.objects.create(source=system, url=server["url"])
    run_schedulers()
    for _ in range(pull.MAX_ATTEMPTS):
        _due_now()
        work()
    assert FetchLog.objects.count() == pull.MAX_ATTEMPTS
    assert not Job.objects.filter(status=Job.Status.QUEUED).exists()
