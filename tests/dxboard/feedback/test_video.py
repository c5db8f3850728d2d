import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dxboard.core.uploads import UploadError
from dxboard.feedback import actions
from dxboard.feedback.video import check_video

from .conftest import photo, says


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
    with pytest.raises(actions.FeedbackError) as both:
        actions.submit(category=fb["road"], description="x", idempotency_key="v2", consent=fb["consent"],
                       commune=tree["A"], photos=[upload(mp4()), photo()])
    assert says(both, "không gửi cả hai", "not both")


def test_video_served_inline(client, fb, tree, personas):
    report, _ = actions.submit(category=fb["road"], description="Ổ gà (video)", idempotency_key="v1",
                               consent=fb["consent"], commune=tree["A"], photos=[upload(mp4())])
    actions.approve(report, acting_user=personas["admin"])
    response = client.get(f"/feedback/photos/{report.photos.get().uid}/")
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    assert "attachment" not in response.get("Content-Disposition", "")


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_video_is_served_in_ranges_for_phone_players(client, fb, tree, personas):
    report, _ = actions.submit(category=fb["road"], description="Ổ gà (video)", idempotency_key="v1",
                               consent=fb["consent"], commune=tree["A"], photos=[upload(mp4())])
    actions.approve(report, acting_user=personas["admin"])
    stored = report.photos.get()
    body = stored.file.open("rb").read()
    size = len(body)
    url = f"/feedback/photos/{stored.uid}/"

    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and _content(whole) == body

    first = client.get(url, HTTP_RANGE="bytes=0-99")
    assert first.status_code == 206 and first["Content-Range"] == f"bytes 0-99/{size}"
    assert first["Content-Length"] == "100" and _content(first) == body[:100]
    assert first["Content-Type"] == "video/mp4" and first["Accept-Ranges"] == "bytes"

    rest = client.get(url, HTTP_RANGE="bytes=100-")
    assert rest.status_code == 206 and rest["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    assert _content(rest) == body[100:]

    tail = client.get(url, HTTP_RANGE="bytes=-20")
    assert tail.status_code == 206 and _content(tail) == body[-20:]

    past_end = client.get(url, HTTP_RANGE="bytes=0-99999999")  # clipped to the file
    assert past_end.status_code == 206 and past_end["Content-Range"] == f"bytes 0-{size - 1}/{size}"

    for bad in (f"bytes={size}-", f"bytes={size + 100}-{size + 200}", "bytes=-0"):
        refused = client.get(url, HTTP_RANGE=bad)
        assert refused.status_code == 416 and refused["Content-Range"] == f"bytes */{size}", bad

    # unreadable or multiple ranges are ignored (the RFC allows it): the whole file
    for ignored in ("lines=1-2", "bytes=5-1", "bytes=0-1,5-9"):
        response = client.get(url, HTTP_RANGE=ignored)
        assert response.status_code == 200 and _content(response) == body, ignored

    # If-Range with another version's tag: the whole (new) file, never a part of it
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=whole["ETag"])
    assert fresh.status_code == 206 and _content(fresh) == body[:10]


def test_ranges_keep_the_privacy_rules(client, fb, tree, personas, login):
    """A sensitive category's video: no part of it for the public; the reporter and the intake office
    get their ranges."""
    report, _ = actions.submit(category=fb["violence"], description="Bạo lực (video)", idempotency_key="v9",
                               consent=fb["consent"], commune=tree["A"], photos=[upload(mp4())])
    url = f"/feedback/photos/{report.photos.get().uid}/"
    assert client.get(url, HTTP_RANGE="bytes=0-9").status_code == 404
    assert client.get(url, HTTP_RANGE="bytes=999999-").status_code == 404  # not even a 416 leaks the size
    assert client.get(url + f"?k={report.access_key}", HTTP_RANGE="bytes=0-9").status_code == 404  # no key in URLs
    follow = f"/feedback/r/{report.code}/"
    client.get(follow + f"?k={report.access_key}")  # the key exchanged for the report's cookie
    mine = client.get(follow + f"photos/{report.photos.get().uid}/", HTTP_RANGE="bytes=0-9")
    assert mine.status_code == 206 and len(_content(mine)) == 10
    assert login(personas["admin"]).get(url, HTTP_RANGE="bytes=0-9").status_code == 206
    assert login(personas["officer_b"]).get(url, HTTP_RANGE="bytes=0-9").status_code == 404
