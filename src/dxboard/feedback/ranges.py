"""HTTP Range requests (RFC 9110 §14) for the media of reports: phones' video players ask for parts
of a file (`Range: bytes=0-`, then further parts when seeking) and refuse to play without 206.

One range per request (what players send); a header we cannot read or several ranges are ignored
and the whole file is sent, as the RFC allows. A range starting past the end answers 416.
"""

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) inclusive; None to send everything; False when the range cannot be satisfied."""
    match = RANGE.match(header.strip().replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        n = int(last)
        if n == 0:
            return False
        return max(size - n, 0), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None  # syntactically invalid: ignored
    if start >= size:
        return False
    return start, end


def _part(f, start: int, length: int):
    try:
        f.seek(start)
        while length > 0:
            data = f.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        f.close()


def media_response(request, file, content_type: str, etag: str = ""):
    """The file whole (200) or in part (206 / 416), always saying that ranges are accepted."""
    size = file.size
    header = request.headers.get("Range", "")
    wanted = None
    if header and request.method in ("GET", "HEAD"):
        if_range = request.headers.get("If-Range")
        if not if_range or (etag and if_range == f'"{etag}"'):
            wanted = parse_range(header, size)
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = FileResponse(file.open("rb"), content_type=content_type)
    else:
        start, end = wanted
        response = StreamingHttpResponse(_part(file.open("rb"), start, end - start + 1), status=206,
                                         content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    if etag:
        response["ETag"] = f'"{etag}"'
    return response
