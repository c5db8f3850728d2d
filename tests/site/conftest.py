"""The platform as a new user meets it: `make run`'s own commands on a fresh folder — migrate, the Bắc Ninh
demo, then `dxboard run` (web server and worker) on a free port — driven over HTTP and in a real browser.

Built once per test session (the demo takes about a minute and a half to load) and only in the SQLite pass of
scripts/run-tests (marker `demo`): what is checked here is what people see, which does not depend on the
database engine. The server runs the development settings, as under `make run`: DEBUG off, e-mail kept in the
outbox. Its folder (database, media, log) is a temporary one; the screenshots go to var/screenshots/demo/.
"""

import base64
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "Demo-BacNinh-2025"
# The demo's accounts (core/demo.py) and the anonymous visitor, each as the crawler signs in.
ROLES = ["anonymous", "admin", "lanhdao", "thamdinh", "cb.skhcn", "cb.bacgiang"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class DemoSite:
    url: str
    var: Path
    process: subprocess.Popen | None
    log: Path

    @property
    def secrets(self) -> Path:
        """The TOTP keys the tests enrolled, kept beside the demo (a reused demo keeps its enrolment)."""
        return self.var / "test-totp-keys.json"

    @property
    def database(self) -> Path:
        return self.var / "dxboard.sqlite3"

    def query(self, sql: str, params=()) -> list[tuple]:
        """Read the demo's own database (read-only), e.g. the strings people typed."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
            return db.execute(sql, params).fetchall()

    def session(self, role: str, language: str = "vi") -> requests.Session:
        """A browser-like session signed in as `role` ("anonymous": none), speaking `language`."""
        s = requests.Session()
        s.cookies.set("django_language", language, domain="127.0.0.1")
        if role != "anonymous":
            sign_in(self, s, role)
        return s


def environment(var: Path, url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG")}
    env |= {"DXBOARD_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "dxboard.settings.dev", "SITE_URL": url,
            # this checkout's code, whichever installation runs the interpreter
            "PYTHONPATH": os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    return env


def dxboard(*args, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dxboard.manage", *args], env=env, capture_output=True, text=True,
                          check=True, **kwargs)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            pytest.fail(f"`dxboard run` exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    pytest.fail(f"`dxboard run` did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory):
    """The fresh folder after `migrate` and `demo`, and what `demo` printed."""
    var = tmp_path_factory.mktemp("demo-var")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = environment(var, url)
    dxboard("migrate", "--noinput", env=env)
    printed = dxboard("demo", env=env).stdout
    return var, port, url, printed


@pytest.fixture(scope="session")
def demo_site(request):
    """`dxboard run` on the fresh demo. DEMO_SITE=<folder>@<url> instead reads a demo already running (from
    `make run`, for a developer's quick loop); CI always builds its own."""
    reuse = os.environ.get("DEMO_SITE")
    if reuse:
        var, url = reuse.split("@", 1)
        yield DemoSite(url=url.rstrip("/"), var=Path(var), process=None, log=Path(var) / "run.log")
        return
    var, port, url, _printed = request.getfixturevalue("demo_output")
    log = var / "run.log"
    with log.open("w") as out:
        # its own process group, as a terminal gives `make run`: Ctrl-C is sent to the whole group
        process = subprocess.Popen([sys.executable, "-m", "dxboard.manage", "run", f"127.0.0.1:{port}"],
                                   env=environment(var, url), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_until_up(url, process, log)
        yield DemoSite(url=url, var=var, process=process, log=log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECRET = re.compile(r'id="totp-secret">([A-Z2-7=]+)<')


def _post_form(site: DemoSite, s: requests.Session, path: str, data: dict) -> requests.Response:
    page = s.get(site.url + path)
    token = CSRF.search(page.text)
    assert token, f"no CSRF token on {path}"
    return s.post(page.url, data={"csrfmiddlewaretoken": token.group(1), **data},
                  headers={"Referer": page.url})


def sign_in(site: DemoSite, s: requests.Session, username: str) -> None:
    """The login form; for the standing office also the second factor, enrolled on its first login as a new
    administrator does it (the key read off the setup page)."""
    from django_otp.oath import totp

    answer = _post_form(site, s, "/accounts/login/", {"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.status_code
    keys = json.loads(site.secrets.read_text()) if site.secrets.exists() else {}
    if "/accounts/2fa/setup/" in answer.url:
        keys[username] = SECRET.search(answer.text).group(1)
        site.secrets.write_text(json.dumps(keys))
        path = "/accounts/2fa/setup/"
    elif "/accounts/2fa/verify/" in answer.url:
        path = "/accounts/2fa/verify/"
    else:
        assert "sessionid" in s.cookies, f"{username} could not sign in"
        return
    key = base64.b32decode(keys[username])
    # a code is accepted once: a second login in the same 30 s window waits for the next one
    for _attempt in range(3):
        verified = _post_form(site, s, path, {"token": f"{totp(key):06d}"})
        if "/accounts/2fa/" not in verified.url:
            return
        time.sleep(31 - time.time() % 30)
    pytest.fail(f"{username}: the second factor was refused")
