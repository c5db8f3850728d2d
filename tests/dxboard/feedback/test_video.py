import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dxboard.core.uploads import UploadError
from dxboard.feedback import actions
from dxboard.feedback.video import check_video

from .conftest import photo


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(seconds=10, gps=b"+21.1800+106.0700/") -> bytes:
    mvhd = box(b"mvhd", bytes(4) + bytes(8) + struct.pack(">II", 1000, seconds * 1000) + bytes(80))
    udta = box(b"udta", box(b"\xa9xyz", struct.pack(">HH", len(gps), 0) + gps) + box(b"\xa9mak", b"PhoneMaker"))
    trak = box(b"trak", box(b"tkhd", bytes(84)) + box(b"meta", bytes(4) + box(b"ilst", b"XMP secret")))
    ftyp = box(b"ftyp", b"isom" + bytes(4) + b"isommp41")
    return ftyp + box(b"moov", mvhd + udta + trak) + box(b"mdat", b"\x00" * 64)


def upload(data, name="v.mp4"):
    return SimpleUploadedFile(name, data, content_type="video/mp4")


def test_metadata_boxes_are_blanked_and_sizes_kept():
    data = mp4()
    checked = check_video(upload(data))
    out = checked.content.read()
    assert len(out) == len(data) and checked.seconds == 10
    assert b"+21.1800" not in out and b"PhoneMaker" not in out and b"XMP secret" not in out
    assert b"mvhd" in out and b"mdat" in out and out.count(b"free") == 2


def test_long_or_fake_videos_are_refused():
    with pytest.raises(UploadError, match="60"):
        check_video(upload(mp4(seconds=120)))
    with pytest.raises(UploadError, match="MP4"):
        check_video(upload(b"not a video at all"))
    with pytest.raises(UploadError):
        check_video(upload(mp4()[:-10] + struct.pack(">I", 9999)))


def test_on_site_report_with_a_video(fb, tree):
    report, _ = actions.submit(category=fb["road"], description="Ổ gà (video)", idempotency_key="v1",
                               consent=fb["consent"], commune=tree["A"], photos=[upload(mp4())])
    stored = report.photos.get()
    assert stored.is_video and b"+21.1800" not in stored.file.read()
    with pytest.raises(actions.FeedbackError, match="not both"):
        actions.submit(category=fb["road"], description="x", idempotency_key="v2", consent=fb["consent"],
                       commune=tree["A"], photos=[upload(mp4()), photo()])


def test_video_served_inline(client, fb, tree):
    report, _ = actions.submit(category=fb["road"], description="Ổ gà (video)", idempotency_key="v1",
                               consent=fb["consent"], commune=tree["A"], photos=[upload(mp4())])
    response = client.get(f"/feedback/photos/{report.photos.get().uid}/")
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    assert "attachment" not in response.get("Content-Disposition", "")
