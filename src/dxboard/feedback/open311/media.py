"""`media_url`: the photo of an Open311 request given as an address instead of a file.

A spec-only client cannot send a multipart file, and most services need a photo. The platform fetches the
address once, when the request is posted, through core/netguard.py (http(s) only, no internal address,
redirects checked, no proxies from the environment), with a timeout and the uploads' byte ceiling, and
hands the bytes on as if they had been uploaded: check_upload then sniffs, limits and re-encodes them, so
nothing of the original file but its pixels is kept."""

import http.client
import urllib.error
import urllib.request

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_noop

from dxboard.core import netguard
from dxboard.core.uploads import KINDS, sniff

TIMEOUT = 10
MAX_URL = 2000
IMAGES = ("jpeg", "png")


class MediaError(ValueError):
    """Why the media_url cannot be used: (msgid, params) for the Open311 error list."""

    def __init__(self, msgid: str, params: dict | None = None):
        super().__init__(msgid)
        self.msgid, self.params = msgid, params or {}


def fetch(url: str) -> SimpleUploadedFile:
    """The image at `url` as an uploaded file (not yet checked: check_upload does that), or MediaError."""
    if len(url) > MAX_URL:
        raise MediaError(gettext_noop("media_url is longer than %(n)s characters"), {"n": MAX_URL})
    limit = settings.UPLOAD_MAX_BYTES
    too_large = MediaError(gettext_noop("media_url: the file is larger than the limit of %(mb)s MB"),
                           {"mb": limit // 2**20})
    request = urllib.request.Request(  # noqa: S310 — scheme and every address checked by netguard
        url, headers={"Accept": "image/jpeg, image/png", "User-Agent": "dxboard-open311"})
    try:
        netguard.check_url(url)
        with netguard.opener().open(request, timeout=TIMEOUT) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise too_large
            body = response.read(limit + 1)
    except netguard.UnsafeURL as exc:
        raise MediaError(gettext_noop("media_url cannot be fetched: %(reason)s"), {"reason": exc.args[0]}) from None
    except urllib.error.HTTPError as exc:
        raise MediaError(gettext_noop("media_url answered HTTP %(status)s"), {"status": exc.code}) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError):  # refused, reset, timed out
        raise MediaError(gettext_noop("media_url could not be reached")) from None
    if len(body) > limit:
        raise too_large
    kind = sniff(body)
    if kind not in IMAGES:
        raise MediaError(gettext_noop("media_url is not a JPEG or PNG image"))
    content_type, suffixes = KINDS[kind]
    return SimpleUploadedFile(f"media_url{suffixes[0]}", body, content_type=content_type)
