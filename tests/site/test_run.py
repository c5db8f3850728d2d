"""`make run` as a new user meets it: the demo says in a few lines where everything is, `dxboard run` runs
queued work (its worker sends a queued e-mail into the outbox), and Ctrl-C stops the web server and the
worker together."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .conftest import _free_port, _wait_until_up, dxboard, environment

pytestmark = pytest.mark.demo
ACCOUNTS = ["admin", "lanhdao", "thamdinh", "cb.skhcn", "cb.bacgiang", "cb.kinhbac"]


def test_the_demo_prints_a_short_summary(demo_output):
    _var, _port, url, printed = demo_output
    lines = printed.strip().splitlines()
    assert len(lines) < 30, printed[:3000]  # a summary, not every e-mail the demo wrote
    assert f"{url}/" in printed and f"{url}/feedback/" in printed and f"{url}/api/v1/" in printed
    assert f"{url}/outbox/" in printed  # where e-mail goes
    assert all(name in printed for name in ACCOUNTS) and "Demo-BacNinh-2025" in printed
    assert "Subject:" not in printed and "Content-Type" not in printed


def test_the_worker_started_by_run_sends_queued_mail_to_the_outbox(demo_site):
    before = demo_site.query("SELECT COUNT(*) FROM core_outboxmail")[0][0]
    queued = ("from django.contrib.auth.models import User; from dxboard.core.notify import notify; "
              "notify([User.objects.get(username='admin')], 'worker check', 'queued by tests/site', "
              "mail_by_queue=True)")
    dxboard("shell", "-c", queued, env=environment(demo_site.var, demo_site.url))
    end = time.monotonic() + 60
    while time.monotonic() < end:
        sent = demo_site.query("SELECT subject FROM core_outboxmail ORDER BY id DESC LIMIT 1")
        if demo_site.query("SELECT COUNT(*) FROM core_outboxmail")[0][0] > before and sent[0][0] == "worker check":
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the queued e-mail never reached the outbox:\n{demo_site.log.read_text()[-2000:]}")
    assert demo_site.query("SELECT COUNT(*) FROM jobs_job WHERE kind = 'core.mail' AND status = 'queued'")[0][0] == 0


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_the_web_server_and_the_worker(demo_output):
    var, _port, _url, _printed = demo_output
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = var / "run-ctrl-c.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "dxboard.manage", "run", f"127.0.0.1:{port}"],
                                   env=environment(var, url), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_until_up(url, process, log)
        assert requests.get(url + "/", timeout=10).status_code == 200
        workers = [pid for pid in _children(process.pid)
                   if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 1, log.read_text()
        os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        assert process.wait(timeout=30) == 0
        end = time.monotonic() + 15
        while _alive(workers[0]) and time.monotonic() < end:
            time.sleep(0.2)
        assert not _alive(workers[0]), "the worker outlived Ctrl-C"
        with pytest.raises(requests.ConnectionError):
            requests.get(url + "/healthz", timeout=5)
        assert "web server and worker stopped" in log.read_text()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
