"""The platform behind a real nginx, configured as docs/deploy.md says (X-Forwarded-For set with
$proxy_add_x_forwarded_for; TRUSTED_PROXIES naming nginx's address).

Every phone reaches Django from nginx's address; without X-Forwarded-For the whole province would share
one submission limit. The phones here connect to nginx from their own loopback addresses (127.0.0.2,
127.0.0.3: the whole of 127.0.0.0/8 is local on Linux), nginx talks to Django from 127.0.0.1 (the one
trusted proxy), and each phone also sends a forged X-Forwarded-For of its own, which nginx keeps on the
left of the address it appends."""

import re
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from dxboard.audit.models import AuditEntry
from dxboard.feedback.models import Report

from .conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

CONFIG = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_bind 127.0.0.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path):
    """A real nginx on a free port in front of the live server; yields its base URL."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed (CI installs it: .ci/run)")
    port, upstream = free_port(), live_server.url.rsplit(":", 1)[1]
    conf = tmp_path / "nginx.conf"
    conf.write_text(CONFIG.format(tmp=tmp_path, port=port, upstream=upstream))
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        def listening():
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0
        assert wait_for(listening, 15), (tmp_path / "error.log").read_text()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


class FromAddress(HTTPAdapter):
    """Connections that leave from a given local address (a phone of its own)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


class Phone:
    """A citizen's browser: its own address, the form's CSRF token, no device cookie (so that only
    the per-address limit counts)."""

    def __init__(self, base: str, address: str, forged: str, fb, tree):
        self.base, self.forged, self.fb, self.tree = base, forged, fb, tree
        self.session = requests.Session()
        self.session.mount("http://", FromAddress(address))
        page = self.session.get(f"{base}/feedback/new/", headers={"X-Forwarded-For": forged}, timeout=30)
        assert page.status_code == 200, page.text[:500]
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.session.cookies.pop("fb_device", None)

    def report(self) -> requests.Response:
        data = {"csrfmiddlewaretoken": self.token, "idempotency_key": str(uuid.uuid4()),
                "category": self.fb["procedure"].pk, "description": "Hồ sơ chậm", "commune": self.tree["A"].pk,
                "address": "Số 1 Lý Thái Tổ", "consent": "on"}
        return self.session.post(f"{self.base}/feedback/new/", data, timeout=30,
                                 headers={"Accept": "application/json", "X-Forwarded-For": self.forged})


def test_phones_behind_nginx_have_limits_of_their_own_and_forged_headers_count_for_nothing(
        nginx, live_server, fb, tree, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.FEEDBACK_RATE_PER_ADDRESS = 2
    # Both phones claim the same forged address: only what nginx appended (their real one) counts.
    first = Phone(nginx, "127.0.0.2", "198.51.100.77", fb, tree)
    second = Phone(nginx, "127.0.0.3", "198.51.100.77", fb, tree)
    assert [first.report().status_code for _ in range(3)] == [200, 200, 429]
    assert second.report().status_code == 200  # the first phone's limit is not the second's
    assert first.report().status_code == 429
    submitted = AuditEntry.objects.filter(action="feedback.submit")
    assert sorted(submitted.values_list("ip_address", flat=True)) == ["127.0.0.2", "127.0.0.2", "127.0.0.3"]

    # Straight to Django from an address that is not a trusted proxy, X-Forwarded-For is the sender's
    # own words: a new forged address each time, still one sender under one limit.
    django = f"http://127.0.0.1:{live_server.url.rsplit(':', 1)[1]}"
    statuses = [Phone(django, "127.0.0.4", f"198.51.100.{i}", fb, tree).report().status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    assert submitted.filter(ip_address="127.0.0.4").count() == 2 and Report.objects.count() == 5
