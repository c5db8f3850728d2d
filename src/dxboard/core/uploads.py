"""Checking uploaded files by their content, not their name, and re-encoding images.

Used by every module that accepts files (evidence, task attachments, citizen photos). A file is
accepted only when its bytes are one of the allowed kinds, the name's extension agrees, it is under
the size cap, and (for office files) its zip is not a bomb. Images are decoded and written anew from their
pixels alone, which drops every kind of metadata (EXIF with GPS, XMP, IPTC, comments, ICC profiles, PNG text)
and anything smuggled after the image data; an image whose header declares more pixels than
settings.UPLOAD_MAX_PIXELS is refused before it is decoded.
"""

import dataclasses
import hashlib
import io
import math
import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_noop
from PIL import Image, JpegImagePlugin, PngImagePlugin, UnidentifiedImageError

from .i18n import Message, number

ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100

KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
}
# The format's own reader, used alone: it parses the header (the size) without Image.open's bomb check, so
# that the platform's limit, not Pillow's warning, decides.
HEADER_READERS = {"jpeg": JpegImagePlugin.JpegImageFile, "png": PngImagePlugin.PngImageFile}
# The one entry of `info` that is pixels rather than metadata: a grey or RGB PNG's transparent colour (tRNS).
PIXEL_INFO = ("transparency",)


class UploadError(ValueError):
    pass


@dataclasses.dataclass
class CheckedFile:
    content: ContentFile
    original_name: str
    kind: str
    content_type: str
    size: int
    sha256: str


def _error(message: str, params: dict | None = None) -> UploadError:
    return UploadError(Message(message, params))


def clean_name(name: str) -> str:
    """The last path component, without control characters or NUL (shown to people, never used as a path)."""
    name = PurePath(name.replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable() and ch not in "\x00/")[:200] or "file"


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def _check_zip(data: bytes) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    total = sum(info.file_size for info in archive.infolist())
    packed = max(1, sum(info.compress_size for info in archive.infolist()))
    if total > ZIP_MAX_UNCOMPRESSED or total / packed > ZIP_MAX_RATIO:
        raise _error(gettext_noop("The file expands to too much data (a possible zip bomb)."))


def pixel_limit() -> int:
    """The platform's limit, never above Pillow's own: Pillow only warns between its limit and twice it,
    and a warning must be a refusal too."""
    return min(settings.UPLOAD_MAX_PIXELS, Image.MAX_IMAGE_PIXELS or settings.UPLOAD_MAX_PIXELS)


def check_dimensions(data: bytes, kind: str, name: str) -> None:
    """Refuse an image whose header declares more pixels than the limit, before anything is decoded."""
    try:
        with HEADER_READERS[kind](io.BytesIO(data)) as header:
            width, height = header.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _error(gettext_noop("The image “%(name)s” cannot be read; it may be damaged."), {"name": name}) from exc
    limit = pixel_limit()
    if width * height > limit:
        raise _error(gettext_noop("The image “%(name)s” is %(width)s × %(height)s pixels, more than the limit "
                                  "of %(limit)s pixels."),
                     {"name": name, "width": number(width), "height": number(height), "limit": number(limit)})


def reencode_image(data: bytes, kind: str, name: str, max_edge: int | None = None) -> bytes:
    """The image decoded and encoded again from its pixels alone (its declared size checked first). With
    `max_edge`, a larger image is scaled down to fit: a JPEG is then decoded at a reduced scale directly
    (libjpeg's DCT scaling), which with the smaller encode makes a 12-megapixel phone photo about 4× cheaper."""
    check_dimensions(data, kind, name)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if max_edge and max(image.size) > max_edge:
                scale = max_edge / max(image.size)
                image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
                image.thumbnail((max_edge, max_edge), reducing_gap=None)
            image.load()
            pixels = image.convert("RGB") if kind == "jpeg" else image
            # Pillow's encoders write what `info` holds (a JPEG's comment, a PNG's ICC profile): keep pixels only.
            pixels.info = {key: image.info[key] for key in PIXEL_INFO if key in image.info}
            out = io.BytesIO()
            if kind == "jpeg":
                pixels.save(out, "JPEG", quality=88, optimize=True)
            else:
                pixels.save(out, "PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _error(gettext_noop("The image “%(name)s” cannot be read; it may be damaged."), {"name": name}) from exc


def check_upload(upload, allowed: tuple[str, ...] = tuple(KINDS), max_bytes: int | None = None,
                 max_edge: int | None = None) -> CheckedFile:
    """Validate an uploaded file (Django UploadedFile) and return safe content to store; images larger
    than `max_edge` pixels on their long side are scaled down to it."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    name = clean_name(upload.name or "")
    if upload.size is not None and upload.size > max_bytes:
        raise _error(gettext_noop("The file is larger than the limit of %(mb)s MB."), {"mb": max_bytes // 2**20})
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _error(gettext_noop("The file is larger than the limit of %(mb)s MB."), {"mb": max_bytes // 2**20})
    if not data:
        raise _error(gettext_noop("The file is empty."))
    kind = sniff(data)
    allowed_names = ", ".join(ext for k in allowed for ext in KINDS[k][1])
    if kind is None or kind not in allowed:
        raise _error(gettext_noop("This kind of file is not accepted. Accepted: %(kinds)s."), {"kinds": allowed_names})
    suffix = PurePath(name).suffix.lower()
    if suffix not in KINDS[kind][1] or "\x00" in (upload.name or ""):
        raise _error(gettext_noop("The file name “%(name)s” does not match its content (%(kind)s)."),
                     {"name": name, "kind": kind.upper()})
    if kind in ("docx", "xlsx"):
        _check_zip(data)
    if kind in ("jpeg", "png"):
        data = reencode_image(data, kind, name, max_edge)
    if kind == "pdf" and (b"/JavaScript" in data or b"/Launch" in data):
        raise _error(gettext_noop("PDF files with embedded scripts are not accepted."))
    stored_name = f"{uuid.uuid4().hex}{KINDS[kind][1][0]}"
    return CheckedFile(ContentFile(data, name=stored_name), name, kind, KINDS[kind][0], len(data),
                       hashlib.sha256(data).hexdigest())


def check_text_upload(upload, suffixes: tuple[str, ...], max_bytes: int | None = None) -> bytes:
    """The bytes of an uploaded text file (CSV, YAML) that its importer then parses row by row: the name must
    end in one of `suffixes`, the size be under the cap, the file not be empty. Raises UploadError."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    name = clean_name(upload.name or "")
    if PurePath(name).suffix.lower() not in suffixes:
        raise _error(gettext_noop("This kind of file is not accepted. Accepted: %(kinds)s."),
                     {"kinds": ", ".join(suffixes)})
    if upload.size is not None and upload.size > max_bytes:
        raise _error(gettext_noop("The file is larger than the limit of %(mb)s MB."), {"mb": max_bytes // 2**20})
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _error(gettext_noop("The file is larger than the limit of %(mb)s MB."), {"mb": max_bytes // 2**20})
    if not data:
        raise _error(gettext_noop("The file is empty."))
    return data
