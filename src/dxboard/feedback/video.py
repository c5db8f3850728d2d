"""Short videos from citizens (MP4 / QuickTime), checked by content and cleaned of metadata.

There is no transcoder on the platform, so the video is not re-encoded; instead every metadata box
(`udta`, `meta`, `uuid` — where phones write the GPS position `©xyz`, the maker and XMP) is turned
into a `free` box of the same size with its bytes zeroed. Sizes and chunk offsets are unchanged, so
the file still plays, and no location or device data is left.
"""

import dataclasses
import hashlib
import struct
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext_noop

from dxboard.core.i18n import Message
from dxboard.core.uploads import UploadError, clean_name

MAX_BYTES = 25 * 1024 * 1024
MAX_SECONDS = 60
BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"qt  ", b"M4V ", b"avc1", b"3gp4", b"3gp5", b"3g2a", b"MSNV", b"dash"}
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex", b"moof", b"traf"}
METADATA = {b"udta", b"meta", b"uuid", b"\xa9xyz", b"ilst", b"XMP_"}


@dataclasses.dataclass
class CheckedVideo:
    content: ContentFile
    original_name: str
    content_type: str
    size: int
    sha256: str
    seconds: float | None


def is_video(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in BRANDS


def _boxes(data: bytearray, start: int, end: int):
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise ValueError("truncated box")
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError("bad box size")
        yield pos, size, header, bytes(kind)
        pos += size


def _clean(data: bytearray, start: int, end: int, found: dict) -> None:
    for pos, size, header, kind in _boxes(data, start, end):
        if kind in METADATA:
            data[pos + 4:pos + 8] = b"free"
            data[pos + header:pos + size] = bytes(size - header)
            found["removed"] += 1
        elif kind == b"mvhd":
            body = data[pos + header:pos + size]
            if body[:1] == b"\x01":
                timescale, duration = struct.unpack(">IQ", body[20:32])
            else:
                timescale, duration = struct.unpack(">II", body[12:20])
            found["seconds"] = duration / timescale if timescale else None
        elif kind in CONTAINERS:
            _clean(data, pos + header, pos + size, found)


def check_video(upload) -> CheckedVideo:
    name = clean_name(upload.name or "")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UploadError(Message(gettext_noop("The video is larger than %(mb)s MB."), {"mb": MAX_BYTES // 2**20}))
    if not is_video(data):
        raise UploadError(Message(gettext_noop("Only MP4 videos are accepted.")))
    buf = bytearray(data)
    found = {"removed": 0, "seconds": None}
    try:
        _clean(buf, 0, len(buf), found)
    except (ValueError, struct.error) as exc:
        raise UploadError(Message(gettext_noop("The video cannot be read; it may be damaged."))) from exc
    if found["seconds"] is not None and found["seconds"] > MAX_SECONDS:
        raise UploadError(Message(gettext_noop("The video is longer than %(n)s seconds."), {"n": MAX_SECONDS}))
    cleaned = bytes(buf)
    return CheckedVideo(ContentFile(cleaned, name=f"{uuid.uuid4().hex}.mp4"), name, "video/mp4", len(cleaned),
                        hashlib.sha256(cleaned).hexdigest(), found["seconds"])
