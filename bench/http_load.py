"""Shared harness of the HTTP load benchmarks (bench_feedback.py, bench_proof.py).

- `bench_database(name)`: a PostgreSQL database of the bench's own, dropped and re-created (never the
  working one); `drop_database(url)` removes it at the end; `django_on_bench_database(name)` does both
  around a block, with Django set up and migrated on it.
- `Server`: the platform served by gunicorn in a subprocess, on the bench settings (`benchsite`: the
  production URLs plus bare baseline views under /bench/ that exist only there).
- `load()`: a light load generator: `concurrency` threads, each with one keep-alive connection
  (http.client), sending requests for a fixed duration or count; throughput, p50/p95/p99, errors.

Why gunicorn gthread with 2 workers × 4 threads by default: the machine has 2 cores, shared by the
server, PostgreSQL and this load generator. Two processes let Python use both cores (one GIL each);
threads overlap the time a request waits on PostgreSQL and keep idle keep-alive connections open (the
sync worker closes every connection). More processes only add context switches and memory here.
Connections to PostgreSQL are persistent (DB_CONN_MAX_AGE=60), as in a production deployment: a new
PostgreSQL backend per request would cost a fork each time.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")


def bench_database(name: str) -> str:
    """URL of a fresh database `name` on the bench PostgreSQL server (dropped first if left over)."""
    url = f"{PG_SERVER}/{name}"
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return url


def drop_database(url: str) -> None:
    _admin(url, f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}" WITH (FORCE)')


class NoDatabase(Exception):
    """The bench PostgreSQL server cannot be reached: the bench is skipped, saying so."""


@contextlib.contextmanager
def django_on_bench_database(name: str, *, keep: bool = False):
    """Django set up (bench settings) on a fresh, migrated bench database `name`; yields its URL. The
    connections are closed and the database dropped at the end (unless `keep`). NoDatabase when the
    server cannot be reached."""
    try:
        url = bench_database(name)
    except Exception as exc:  # noqa: BLE001 — any connection failure: no PostgreSQL here
        raise NoDatabase(f"PostgreSQL not reachable: {exc}") from exc
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchsite.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    try:
        yield url
    finally:
        connections.close_all()
        if not keep:
            drop_database(url)


def _admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(urlunparse(urlparse(url)._replace(path="/postgres")), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`gunicorn dxboard.wsgi` on 127.0.0.1 with the bench settings, in its own process group."""

    def __init__(self, database_url: str, *, workers: int = 2, threads: int = 4, media: Path | None = None,
                 env: dict | None = None):
        self.port = free_port()
        self.workers, self.threads = workers, threads
        self.database = urlparse(database_url).path.lstrip("/")
        self.env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "benchsite.settings",
                    "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")]),
                    "DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING", **(env or {})}
        if media is not None:
            self.env["BENCH_MEDIA_ROOT"] = str(media)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "dxboard.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--worker-class", "gthread", "--workers", str(self.workers), "--threads", str(self.threads),
             "--keep-alive", "30", "--backlog", "256", "--log-level", "warning", "--no-control-socket",
             "--timeout", "120"],
            env=self.env, cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own process group: the master and its workers
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def cpu_by_pid(self) -> dict[int, float]:
        """CPU time used so far by this server's processes and by the PostgreSQL backends of its database
        (all of them: the bench's own connection is idle during a measure), by process."""
        return process_cpu_by_pid(lambda pid, pgid, cmd: pgid == self.process.pid
                                  or (cmd.startswith(b"postgres:") and f" {self.database} ".encode() in cmd))

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def post(self, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def process_cpu_by_pid(select) -> dict[int, float]:
    """{pid: user + system CPU seconds} of the live processes for which select(pid, pgid, cmdline) is true."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()  # after "pid (comm) "
        if select(int(entry.name), int(fields[2]), cmd):
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return found


@dataclass
class Call:
    method: str
    path: str
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)
    port: int | None = None  # another server than load()'s (one keep-alive connection to each)


def load(port: int, make_call, *, concurrency: int, seconds: float | None = None, count: int | None = None,
         on_response=None, servers: tuple[Server, ...] = ()) -> dict:
    """Send `make_call(worker, n)` requests from `concurrency` keep-alive connections until `seconds`
    have passed or `count` requests were sent. `on_response(worker, n, status, body)` may inspect each
    answer (e.g. to follow a version number); an exception in it counts as an error. With `servers`, the
    CPU they and their database used is measured too: the cost of a request, whatever else runs on the
    machine, and the rate two idle cores would allow at that cost."""
    # CPU per process, sampled while the load runs: a process that ends (a database connection closed
    # after DB_CONN_MAX_AGE) keeps the CPU it used until its last sample
    cpu_start = {pid: t for s in servers for pid, t in s.cpu_by_pid().items()}
    cpu_seen = dict(cpu_start)
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(0.5):
            for srv in servers:
                cpu_seen.update(srv.cpu_by_pid())

    sampler = threading.Thread(target=sample, daemon=True)
    if servers:
        sampler.start()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    sent = [0]
    start = time.perf_counter()
    deadline = start + seconds if seconds else float("inf")

    def worker(index: int) -> None:
        conns: dict[int, http.client.HTTPConnection] = {}
        mine: list[float] = []
        n = 0
        while time.perf_counter() < deadline:
            with lock:
                if count is not None and sent[0] >= count:
                    break
                sent[0] += 1
            call = make_call(index, n)
            target = call.port or port
            conn = conns.get(target) or conns.setdefault(target, http.client.HTTPConnection("127.0.0.1", target,
                                                                                             timeout=60))
            t0 = time.perf_counter()
            try:
                conn.request(call.method, call.path, body=call.body, headers=call.headers)
                response = conn.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - t0
                if response.status not in call.ok:
                    raise RuntimeError(f"{call.method} {call.path}: {response.status} {body[:200]!r}")
                if on_response is not None:
                    on_response(index, n, response.status, body)
                mine.append(elapsed)
            except Exception as exc:  # noqa: BLE001 — counted and reported, the load goes on
                with lock:
                    errors.append(str(exc)[:300])
                conns.pop(target).close()
            n += 1
        for conn in conns.values():
            conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    out = summary(latencies, errors, wall, concurrency)
    if servers:
        sampling.set()
        sampler.join()
        for srv in servers:
            cpu_seen.update(srv.cpu_by_pid())
    if servers and latencies:
        cpu = sum(t - cpu_start.get(pid, 0.0) for pid, t in cpu_seen.items())
        out["server_and_db_cpu_ms_per_request"] = round(cpu / len(latencies) * 1000, 2)
        out["per_second_on_2_idle_cores_at_that_cost"] = round(2 / (cpu / len(latencies)), 1) if cpu else None
        load1, _, _ = os.getloadavg()
        out["load_average_1m_after"] = round(load1, 2)
    return out


def summary(latencies: list[float], errors: list[str], wall: float, concurrency: int) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        if not ordered:
            return None
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    return {"requests": len(ordered), "errors": len(errors), "first_errors": errors[:3],
            "seconds": round(wall, 2), "concurrency": concurrency,
            "per_second": round(len(ordered) / wall, 1) if wall else None,
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else None}


def verdict(measured: dict, *, min_per_second: float | None = None, max_p95_ms: float | None = None) -> dict:
    """The target beside the measure, and whether it was met (no error allowed)."""
    ok = measured["errors"] == 0 and measured["requests"] > 0
    if min_per_second is not None:
        ok = ok and measured["per_second"] >= min_per_second
    if max_p95_ms is not None:
        ok = ok and measured["p95_ms"] is not None and measured["p95_ms"] <= max_p95_ms
    return {"target": {"per_second": min_per_second, "p95_ms": max_p95_ms}, "ok": ok}


def machine() -> dict:
    import platform

    load1, load5, _ = os.getloadavg()
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average_1m_5m_at_start": [round(load1, 2), round(load5, 2)]}


def multipart(fields: dict, files: list[tuple[str, str, str, bytes]] = ()) -> tuple[bytes, str]:
    """A multipart/form-data body (fields, then files as (field, filename, content type, bytes))."""
    boundary = "----dxboardbench7MA4YWxkTrZu0gW"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content_type, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
