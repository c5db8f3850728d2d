"""PostgreSQL restarted in the middle of a load of citizen reports.

A private PostgreSQL instance (never the shared server on 5432) gets a copy of the migrated test
database (pg_dump of it: the same schema, triggers and fixtures, in a second instead of a full
migrate); the app runs as a real gunicorn server on it with persistent connections (DB_CONN_MAX_AGE),
so only its connection health checks can make it recover. Four threads post reports through Open311
(the phone apps' channel, with an Idempotency-Key each), PostgreSQL is restarted (`pg_ctl restart -m
fast`) in the middle, and the threads go on. Errors are allowed only for requests that overlapped the
restart; the requests that started after it all succeed; every success is in the database with the
code it was answered with; the failed ones, sent again like a phone's outbox would, are stored once.

Needs root (initdb runs as the `postgres` user) and the PostgreSQL 15 binaries; it fails, saying so,
when the machine lacks them. It runs in the PostgreSQL pass (it copies the PostgreSQL test database)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from .conftest import subprocess_env, wait_for

# committed rows (pg_dump copies what the test made); the SQLite pass deselects `postgres` (scripts/run-tests)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

PG_BIN = Path("/usr/lib/postgresql/15/bin")
THREADS = 4
RESTART_SLACK = 0.5  # seconds after `pg_ctl restart` returned during which a request may still fail


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    def __init__(self, root: Path, port: int):
        self.root, self.port, self.data = root, port, root / "data"

    def ctl(self, *args: str) -> subprocess.CompletedProcess:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        return subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.data),
                               "-l", str(self.root / "log"), "-w", "-t", "60", "-o", options, *args],
                              capture_output=True, text=True, timeout=90)

    def sql(self, query: str, db: str = "dxfaults") -> str:
        out = subprocess.run([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "-d", db, "-At", "-c", query], capture_output=True, text=True, timeout=30, check=True)
        return out.stdout.strip()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/dxfaults"


@pytest.fixture
def private_postgres():
    missing = [b for b in ("initdb", "pg_ctl", "psql", "pg_dump") if not (PG_BIN / b).exists()]
    if os.geteuid() != 0 or missing or shutil.which("runuser") is None:
        pytest.fail(f"this test starts its own PostgreSQL: it needs root (uid {os.geteuid()}), runuser and "
                    f"{PG_BIN} (missing: {missing or 'nothing'})")
    root = Path(tempfile.mkdtemp(prefix="dxboard-pg-"))
    shutil.chown(root, "postgres", "postgres")
    pg = PrivatePostgres(root, free_port())
    try:
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(pg.data), "-A", "trust",
                        "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
                       capture_output=True, text=True, timeout=120, check=True)
        started = pg.ctl("start")
        assert started.returncode == 0, started.stderr + (root / "log").read_text()
        yield pg
    finally:
        pg.ctl("-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def server(private_postgres, fb, tree):
    """gunicorn on a copy of the test database in the private instance; yields (base url, api key)."""
    from dxboard.feedback import actions

    _client, api_key = actions.create_api_client("Ứng dụng Bắc Ninh", acting_user=None)
    s = connection.settings_dict
    pg = private_postgres
    pg.sql("CREATE DATABASE dxfaults", db="postgres")
    dump = subprocess.run([str(PG_BIN / "pg_dump"), "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
                           "-U", s["USER"], "--no-owner", "--no-privileges", s["NAME"]],
                          capture_output=True, timeout=120, check=True,
                          env={**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""})
    subprocess.run([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d", "dxfaults",
                    "-q", "-v", "ON_ERROR_STOP=1"], input=dump.stdout, capture_output=True, timeout=120, check=True)
    port = free_port()
    # One relay's load for as long as the restart takes: its hourly quota is not what this test measures.
    env = subprocess_env(DATABASE_URL=pg.url, DB_CONN_MAX_AGE="600", FEEDBACK_RATE_PER_API_CLIENT=str(10**6))
    log = open(pg.root / "gunicorn.log", "wb")  # noqa: SIM115 — closed below
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "dxboard.wsgi:application", "-b", f"127.0.0.1:{port}",
                             "--workers", "2", "--threads", "2", "--timeout", "60"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # noqa: S310 — local server
                return r.status == 200
        except OSError:
            return False

    try:
        assert wait_for(up, 60, 0.2), (pg.root / "gunicorn.log").read_text()[-3000:]
        yield base, api_key, pg
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


def post_report(base: str, api_key: str, key: str) -> tuple[int | None, str | None]:
    body = urllib.parse.urlencode({"api_key": api_key, "service_code": "procedure", "address_string": "Số 5 Lê Lợi",
                                   "description": f"Hồ sơ bị chậm ({key})", "first_name": "An"}).encode()
    request = urllib.request.Request(f"{base}/open311/v2/requests.json", data=body,  # noqa: S310
                                     headers={"Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 — local server
            return r.status, json.loads(r.read())[0]["service_request_id"]
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")[:300]
    except OSError:
        return None, None  # connection reset / refused


def test_reports_survive_a_postgresql_restart(server):
    base, api_key, pg = server
    results = []  # (key, started, ended, status, code)
    stop = threading.Event()

    def phone(i: int):
        n = 0
        while not stop.is_set():
            n += 1
            key = f"phone{i}-{n}"
            started = time.monotonic()
            status, code = post_report(base, api_key, key)
            results.append((key, started, time.monotonic(), status, code))

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    try:
        assert wait_for(lambda: sum(r[3] == 200 for r in results) >= 20, 60), results[-5:]
        boot_before = pg.sql("SELECT pg_postmaster_start_time()")
        restart_from = time.monotonic()
        restarted = pg.ctl("-m", "fast", "restart")
        restart_to = time.monotonic()
        assert restarted.returncode == 0, restarted.stderr
        # keep the load going until each phone had successes after the restart
        after = lambda: [r for r in results if r[1] > restart_to + RESTART_SLACK]  # noqa: E731
        assert wait_for(lambda: sum(r[3] == 200 for r in after()) >= 20, 60), results[-10:]
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert pg.sql("SELECT pg_postmaster_start_time()") != boot_before  # it really restarted

    failed = [r for r in results if r[3] != 200]
    outside = [r for r in failed if not (r[1] <= restart_to + RESTART_SLACK and r[2] >= restart_from)]
    assert not outside, f"errors outside the restart window {restart_from:.2f}–{restart_to:.2f}: {outside}"
    assert all(r[3] == 200 for r in after()), "the app did not recover by itself"
    assert all(r[3] in (None, 500, 502, 503) for r in failed), failed

    client_pk = pg.sql("SELECT id FROM feedback_apiclient")
    stored = dict(row.split("|") for row in pg.sql("SELECT idempotency_key, code FROM feedback_report").splitlines())
    for key, _s, _e, status, code in results:
        if status == 200:
            assert stored.get(f"{client_pk}:{key}") == code, f"{key} was answered {code} but is not stored"
    # the outbox sends the failed ones again: each is stored once
    for key, *_ in failed:
        status, code = post_report(base, api_key, key)
        assert status == 200 and code
    keys = pg.sql("SELECT count(*), count(DISTINCT idempotency_key) FROM feedback_report").split("|")
    assert keys[0] == keys[1] == str(len(results))
    print(f"{len(results)} submissions, {len(failed)} failed during a restart of "
          f"{restart_to - restart_from:.2f} s")
