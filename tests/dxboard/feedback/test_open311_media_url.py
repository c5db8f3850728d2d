"""Open311 `media_url`: a spec-only client gives its photo as an address. The platform fetches it through
the SSRF guard from a real local HTTP server, and keeps the re-encoded pixels only; every way the fetch can
fail is the spec's 400 error naming media_url, and stores nothing."""

import http.server
import io
import json
import threading

import pytest
from PIL import Image

from dxboard.feedback.models import Photo, Report

from .conftest import jpeg_with_gps

BASE = "/open311/v2/"


def jpeg_with_everything() -> bytes:
    """A phone's JPEG: EXIF with GPS and maker, and a COM comment segment."""
    data = jpeg_with_gps()
    return data[:2] + b"\xff\xfe\x00\x14secret comment 42\x00" + data[2:]  # COM right after SOI


PAGES = {
    "/photo.jpg": (200, "image/jpeg", jpeg_with_everything()),
    "/page.html": (200, "text/html", b"<html><body>not a photo</body></html>"),
    "/gone.jpg": (404, "text/plain", b"not found"),
}


@pytest.fixture
def server(settings):
    """A local HTTP server on 127.0.0.1 (the name the test settings exempt from the guard)."""
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    state = {"hits": []}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            state["hits"].append(self.path)
            if self.path == "/to-internal":
                self.send_response(302)
                self.send_header("Location", f"http://localhost:{self.server.server_port}/photo.jpg")
                self.end_headers()
                return
            if self.path == "/huge.jpg":  # a JPEG start and then more than the ceiling, no length said
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                self.wfile.write(b"\xff\xd8\xff" + b"\0" * (settings.UPLOAD_MAX_BYTES + 10))
                return
            status, kind, body = PAGES.get(self.path, (404, "text/plain", b""))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{httpd.server_port}"
    yield state
    httpd.shutdown()
    httpd.server_close()


def post(client, api_key, media_url, **extra):
    data = {"api_key": api_key, "service_code": "road", "description": "Ổ gà lớn", "lat": "21.18",
            "long": "106.07", "attribute[size]": "large", "media_url": media_url, **extra}
    return client.post(f"{BASE}requests.json", data)


def test_an_on_site_service_takes_its_photo_from_media_url(client, fb, api_key, server):
    assert fb["road"].on_site  # without a photo this service refuses the request
    response = post(client, api_key, server["url"] + "/photo.jpg")
    assert response.status_code == 200, response.content
    report = Report.objects.get(code=json.loads(response.content)[0]["service_request_id"])
    stored = report.photos.get()
    assert stored.role == Photo.Role.REPORT
    data = stored.file.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (16, 12)
    assert not image.getexif() and "comment" not in image.info and "exif" not in image.info
    assert b"secret comment" not in data and b"PhoneMaker" not in data
    assert server["hits"] == ["/photo.jpg"]


@pytest.mark.parametrize("path, words", [
    ("/gone.jpg", "HTTP 404"),
    ("/page.html", "JPEG"),
    ("/huge.jpg", "MB"),
    ("/to-internal", "localhost"),  # a redirect to the platform's own host is checked and refused
])
def test_a_media_url_that_cannot_be_used_is_refused_naming_it(client, fb, api_key, server, path, words):
    response = post(client, api_key, server["url"] + path)
    assert response.status_code == 400
    [error] = json.loads(response.content)
    assert "media_url" in error["description"] and words in error["description"], error
    assert not Report.objects.exists() and not Photo.objects.exists()


def test_an_internal_address_is_never_fetched(client, fb, api_key, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []  # production: nothing exempt
    for url in ("http://127.0.0.1:9/photo.jpg", "http://169.254.169.254/latest/meta-data/",
                "http://[::1]/x.jpg", "file:///etc/passwd", "http://10.0.0.8/x.jpg"):
        response = post(client, api_key, url)
        [error] = json.loads(response.content)
        assert response.status_code == 400 and "media_url" in error["description"], (url, error)
    assert not Report.objects.exists()


def test_an_unreachable_address_is_a_clear_error(client, fb, api_key):
    response = post(client, api_key, "http://127.0.0.1:9/photo.jpg")  # exempt, but nothing listens there
    [error] = json.loads(response.content)
    assert response.status_code == 400 and "media_url" in error["description"]
    assert not Report.objects.exists()


def test_nothing_is_fetched_before_the_cheap_checks_pass(client, fb, api_key, server):
    response = post(client, api_key, server["url"] + "/photo.jpg", email="not-an-address")
    assert response.status_code == 400 and server["hits"] == []
    response = post(client, "wrong-key", server["url"] + "/photo.jpg")
    assert response.status_code == 403 and server["hits"] == []


def test_media_and_media_url_together_are_refused(client, fb, api_key, server):
    from django.core.files.uploadedfile import SimpleUploadedFile

    media = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = post(client, api_key, server["url"] + "/photo.jpg", media=media)
    [error] = json.loads(response.content)
    assert response.status_code == 400 and "media_url" in error["description"]
    assert not Report.objects.exists() and server["hits"] == []
