"""Disk full while uploading, on a real full disk: MEDIA_ROOT is a small tmpfs filled up to a few
kilobytes. A citizen's report with photos, an officer's evidence upload and a task's progress report
with an attachment get a clear bilingual error; no row without its file, no file (partial or whole)
without its row; and once there is room again the same upload succeeds.

Mounting needs root (CI runs as root on this machine): without it the test fails, saying so."""

import io
import json
import os
import random
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.dxboard.index.conftest import answer

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = 4096
FILLER = "filler.bin"


def noisy_jpeg(seed: int, size=(240, 180)) -> bytes:
    """A photo that stays tens of kilobytes after re-encoding (noise does not compress)."""
    rnd = random.Random(seed)
    image = Image.frombytes("RGB", size, bytes(rnd.getrandbits(8) for _ in range(size[0] * size[1] * 3)))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def stored_size(data: bytes) -> int:
    from dxboard.core.uploads import check_upload

    return check_upload(SimpleUploadedFile("x.jpg", data, content_type="image/jpeg")).size


class Disk:
    def __init__(self, root: Path):
        self.root = root

    def free(self) -> int:
        st = os.statvfs(self.root)
        return st.f_bavail * st.f_frsize

    def leave_free(self, nbytes: int) -> None:
        """Fill the disk with a filler file so that about `nbytes` stay free (whole pages)."""
        filler = self.root / FILLER
        filler.unlink(missing_ok=True)
        with open(filler, "wb") as f:
            f.write(b"\0" * (self.free() - nbytes - PAGE))  # tmpfs counts the filler's own page too
        assert abs(self.free() - nbytes) <= 2 * PAGE, (self.free(), nbytes)

    def make_room(self) -> None:
        (self.root / FILLER).unlink(missing_ok=True)

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file() and p.name != FILLER)


@pytest.fixture
def disk(tmp_path, settings):
    root = tmp_path / "media"
    root.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(root)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.fail("this test fills a real disk: it needs root and `mount -t tmpfs` "
                    f"(uid {os.getuid()}): {mounted.stderr.strip()}")
    settings.MEDIA_ROOT = root
    try:
        yield Disk(root)
    finally:
        subprocess.run(["umount", "-l", str(root)], check=False)


def test_a_citizen_report_with_photos_on_a_full_disk(client, fb, tree, disk):
    from dxboard.audit.models import AuditEntry
    from dxboard.feedback.models import PersonalData, Photo, Report

    photos = [noisy_jpeg(1), noisy_jpeg(2)]
    first = stored_size(photos[0])
    assert first > 5 * PAGE  # a write that fails half-way, not at its first byte
    # room for the first photo and half of the second: the second fails in the middle of its write
    disk.leave_free(first + stored_size(photos[1]) // 2)

    def post():
        data = {"idempotency_key": "outbox-1", "category": fb["road"].pk, "description": "Cây đổ chắn đường",
                "commune": tree["A"].pk, "address": "Số 3", "location_source": "manual", "name": "Trần Thị Bình",
                "phone": "0987654321", "consent": "on",
                "photos": [SimpleUploadedFile(f"p{i}.jpg", p, content_type="image/jpeg") for i, p in enumerate(photos)]}
        return client.post(reverse("feedback:new"), data, headers={"Accept": "application/json"})

    response = post()
    assert response.status_code == 503  # the phone's outbox keeps the report and sends it again later
    [error] = json.loads(response.content)["errors"]
    assert "ổ đĩa" in error and "disk" not in error  # the citizen's language only
    assert (Report.objects.count(), PersonalData.objects.count(), Photo.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(action="feedback.submit").exists()
    assert disk.files() == []  # neither the first photo nor the partial second one stayed

    # the same page without JavaScript says it too
    disk.leave_free(stored_size(photos[1]) // 2)
    html = client.post(reverse("feedback:new"), {"idempotency_key": "page-1", "category": fb["road"].pk,
                                                  "description": "Cây đổ", "commune": tree["A"].pk,
                                                  "location_source": "manual", "consent": "on",
                                                  "photos": SimpleUploadedFile("a.jpg", photos[1],
                                                                               content_type="image/jpeg")})
    assert html.status_code == 503 and "ổ đĩa" in html.content.decode()
    assert Report.objects.count() == 0 and disk.files() == []

    disk.make_room()
    response = post()
    assert response.status_code == 200 and json.loads(response.content)["created"] is True
    report = Report.objects.get()
    stored = sorted(Photo.objects.filter(report=report).values_list("file", flat=True))
    assert len(stored) == 2 and disk.files() == stored
    assert AuditEntry.objects.filter(action="feedback.submit").count() == 1


def test_an_evidence_upload_on_a_full_disk(client, login, campaign, sub_a, personas, disk):
    from dxboard.audit.models import AuditEntry
    from dxboard.index.models import Evidence

    data = noisy_jpeg(3)
    disk.leave_free(stored_size(data) // 2)
    a1 = answer(sub_a, "A1")
    login(personas["officer_a"])

    def upload():
        return client.post(reverse("index:evidence-add", args=[a1.pk]), {
            "summary": "Kế hoạch CĐS 2025", "document_number": "12/KH-UBND", "issuer": "UBND phường",
            "file": SimpleUploadedFile("ke-hoach.jpg", data, content_type="image/jpeg")}, follow=True)

    page = upload().content.decode()
    assert "A1:" in page and "ổ đĩa" in page and "disk may be full" not in page
    assert not Evidence.objects.exists() and disk.files() == []
    assert not AuditEntry.objects.filter(action="index.attach_evidence").exists()

    disk.make_room()
    page = upload().content.decode()
    evidence = Evidence.objects.get()
    assert disk.files() == [evidence.file.name] and evidence.file.size == evidence.size
    assert AuditEntry.objects.filter(action="index.attach_evidence").count() == 1


def test_a_progress_report_with_an_attachment_on_a_full_disk(client, login, make_task, personas, disk):
    from dxboard.audit.models import AuditEntry
    from dxboard.steering.models import ProgressReport, ReportAttachment, Task

    task = make_task(lead="A")
    data = noisy_jpeg(4)
    disk.leave_free(stored_size(data) // 2)
    login(personas["officer_a"])

    def report():
        return client.post(reverse("steering:task-progress", args=[task.pk]), {
            "percent": "60", "text": "Đã triển khai ở 3 thôn",
            "files": SimpleUploadedFile("bien-ban.jpg", data, content_type="image/jpeg")}, follow=True)

    page = report()
    assert page.status_code == 200  # the task page with the message, not a server error
    html = page.content.decode()
    assert "ổ đĩa" in html and "disk may be full" not in html
    assert not ProgressReport.objects.exists() and not ReportAttachment.objects.exists() and disk.files() == []
    assert Task.objects.get(pk=task.pk).progress == 0
    assert not AuditEntry.objects.filter(action="steering.report_progress").exists()

    disk.make_room()
    report()
    attachment = ReportAttachment.objects.get()
    assert disk.files() == [attachment.file.name] and Task.objects.get(pk=task.pk).progress == 60
