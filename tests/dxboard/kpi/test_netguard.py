"""SSRF guard of the pull endpoints: only http(s) to public addresses, checked after DNS resolution,
when saved and at fetch time, redirects included. The test settings exempt the name `127.0.0.1` (the
local HTTP server of the pull tests); these tests clear or keep that exemption explicitly."""

import http.server
import threading

import pytest
from django.utils import translation

from dxboard.core import netguard
from dxboard.jobs.models import Job
from dxboard.jobs.queue import run_schedulers, work
from dxboard.kpi import pull
from dxboard.kpi.models import FetchLog, Observation, PullEndpoint


@pytest.fixture
def no_exemption(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/kpi.json", "http://127.0.0.1:8000/", "http://10.1.2.3/kpi.json", "http://192.168.1.10/",
    "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://224.0.0.1/", "http://100.64.0.1/",
    "http://240.0.0.1/", "http://localhost:8000/kpi.json", "https://LOCALHOST/"])
def test_internal_addresses_are_refused(no_exemption, url):
    with pytest.raises(netguard.UnsafeURL) as exc:
        netguard.check_url(url)
    assert "bị từ chối" in str(exc.value) and "refused" not in str(exc.value)
    with translation.override("en"):
        assert "refused" in str(exc.value) and "từ chối" not in str(exc.value)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://8.8.8.8/x", "gopher://8.8.8.8/", "http:///nohost",
                                 "javascript:alert(1)"])
def test_only_http_and_https_with_a_host(no_exemption, url):
    with pytest.raises(netguard.UnsafeURL):
        netguard.check_url(url)


def test_public_addresses_pass(no_exemption):
    assert netguard.check_url("https://8.8.8.8/kpi.json") == ["8.8.8.8"]
    assert netguard.check_url("http://[2001:4860:4860::8888]:8080/") == ["2001:4860:4860::8888"]


def test_the_exemption_is_by_name(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    assert netguard.check_url("http://127.0.0.1:9/") == ["127.0.0.1"]
    with pytest.raises(netguard.UnsafeURL):
        netguard.check_url("http://localhost:9/")  # resolves to loopback, and is not the name exempted


@pytest.fixture
def redirector(tree):
    """A local server (on 127.0.0.1, exempted by the test settings) that redirects to `state["to"]`."""
    state = {"hits": 0, "to": ""}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            state["hits"] += 1
            if self.path.startswith("/final"):
                body = b'{"observations": []}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(302)
            self.send_header("Location", state["to"].format(port=self.server.server_address[1]))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{httpd.server_address[1]}/kpi.json"
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("target", ["http://localhost:{port}/final", "http://169.254.169.254/latest/meta-data/",
                                    "http://10.0.0.7/final", "http://[::1]:{port}/final", "file:///etc/passwd"])
def test_a_redirect_to_an_internal_address_is_refused(redirector, target):
    redirector["to"] = target
    with pytest.raises(netguard.UnsafeURL):
        pull.fetch(redirector["url"])
    assert redirector["hits"] == 1  # the redirect was never followed


def test_a_redirect_to_an_allowed_place_is_followed(redirector):
    redirector["to"] = "http://127.0.0.1:{port}/final"
    assert pull.fetch(redirector["url"]) == (200, [])
    assert redirector["hits"] == 2


def test_the_worker_refuses_at_fetch_time(tree, source, no_exemption, redirector):
    """An endpoint written straight into the database (or whose name now resolves inside) is refused
    by the worker: the failure is logged and nothing is fetched."""
    system, _token = source
    PullEndpoint.objects.create(source=system, url=redirector["url"])
    PullEndpoint.objects.create(source=system, url="http://169.254.169.254/latest/meta-data/")
    run_schedulers()
    work()
    logs = list(FetchLog.objects.all())
    assert len(logs) == 2 and not any(log.ok for log in logs)
    assert all("từ chối" in log.error for log in logs)  # written by the worker in the default language
    assert redirector["hits"] == 0 and not Observation.objects.exists()
    assert not Job.objects.filter(kind="kpi.pull", status=Job.Status.QUEUED).exists()  # no retry: still unsafe
