"""The upload corpus: every file below is refused, or accepted only after sanitising."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dxboard.core.i18n import in_language
from dxboard.core.uploads import UploadError, check_upload


def jpeg(exif=None, size=(32, 24)) -> bytes:
    buf = io.BytesIO()
    image = Image.new("RGB", size, (120, 40, 40))
    if exif is not None:
        image.save(buf, "JPEG", exif=exif)
    else:
        image.save(buf, "JPEG")
    return buf.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares a huge image (a decompression bomb)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(("name", "data"), [
    ("x.jpg.php", b"<?php system($_GET['c']); ?>"),
    ("x.jpg.php", jpeg()),  # a real JPEG, but the name does not say so
    ("anh\x00.php.jpg", jpeg()),
    ("fits.jpg", b"SIMPLE  =                    T / conforms to FITS standard" + b" " * 2800),
    ("empty.pdf", b""),
    ("page.html.jpg", b"<html><script>alert(1)</script></html>"),
    ("macro.pdf", b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj"),
    ("renamed.xlsx", b"%PDF-1.4 not a spreadsheet"),
])
def test_refused(name, data):
    with pytest.raises(UploadError):
        check_upload(upload(name, data))


def test_a_png_declaring_50000_by_50000_pixels_is_refused():
    with pytest.raises(UploadError) as err:
        check_upload(upload("huge.png", png_header_claiming(50_000, 50_000)))
    assert in_language(err.value.args[0], "en").startswith("The image is too large (more than 40,000,000 pixels)")
    assert in_language(err.value.args[0], "vi") == "Ảnh quá lớn (hơn 40.000.000 điểm ảnh)."


def test_a_zip_bomb_named_xlsx_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (150 * 1024 * 1024))
    with pytest.raises(UploadError) as err:
        check_upload(upload("bomb.xlsx", buf.getvalue()))
    assert "zip bomb" in in_language(err.value.args[0], "en")


def test_the_size_limit_plus_one_byte_is_refused_and_the_limit_itself_accepted(settings):
    settings.UPLOAD_MAX_BYTES = 4096
    pdf = b"%PDF-1.4\n" + b"0" * (4096 - 9)
    assert check_upload(upload("ok.pdf", pdf)).size == 4096
    with pytest.raises(UploadError) as err:
        check_upload(upload("big.pdf", pdf + b"0"))
    assert "MB" in str(err.value)  # the limit named in either language


def test_a_jpeg_html_polyglot_is_re_encoded_without_the_html():
    polyglot = jpeg() + b"<html><script>alert(document.cookie)</script></html>"
    checked = check_upload(upload("photo.jpg", polyglot))
    data = checked.content.read()
    assert data.startswith(b"\xff\xd8\xff") and b"<script>" not in data


def test_gps_exif_is_removed():
    image = Image.new("RGB", (8, 8))
    exif = image.getexif()
    exif[0x8825] = {1: "N", 2: (21.0, 11.0, 30.0), 3: "E", 4: (106.0, 4.0, 0.0)}
    exif[0x010F] = "PhoneMaker"
    checked = check_upload(upload("gps.jpg", jpeg(exif=exif)))
    out = Image.open(io.BytesIO(checked.content.read()))
    assert not out.getexif()  # no GPS, no camera maker: nothing


def test_office_files_pass_with_a_random_stored_name():
    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    checked = check_upload(upload("../../etc/Báo cáo.xlsx", buf.getvalue()))
    assert checked.kind == "xlsx" and checked.original_name == "Báo cáo.xlsx"
    assert checked.content.name.endswith(".xlsx") and "Báo" not in checked.content.name


def test_text_uploads_are_checked_by_name_size_and_emptiness(settings):
    from dxboard.core.uploads import check_text_upload

    settings.UPLOAD_MAX_BYTES = 1024
    assert check_text_upload(upload("khung.yaml", b"code: x\n"), (".yaml", ".yml")) == b"code: x\n"
    for name, data, words in [("khung.yaml.php", b"code: x", "Accepted: .yaml, .yml"), ("a.yaml", b"", "empty"),
                              ("big.yaml", b"#" * 1025, "limit")]:
        with pytest.raises(UploadError) as err:
            check_text_upload(upload(name, data), (".yaml", ".yml"))
        assert words in in_language(err.value.args[0], "en") and words not in in_language(err.value.args[0], "vi")


def test_max_edge_scales_a_phone_photo_down_and_keeps_small_ones():
    """Citizens' 12-megapixel photos are stored at most `max_edge` pixels wide or high (aspect kept);
    without `max_edge`, or when smaller, the size is unchanged."""
    big = jpeg(size=(4000, 3000))
    stored = check_upload(upload("anh.jpg", big, "image/jpeg"), max_edge=2000)
    with Image.open(io.BytesIO(stored.content.read())) as image:
        assert image.size == (2000, 1500) and image.format == "JPEG"
    tall = check_upload(upload("doc.png", _png(900, 2400), "image/png"), max_edge=1200)
    with Image.open(io.BytesIO(tall.content.read())) as image:
        assert image.size == (450, 1200)
    whole = check_upload(upload("anh.jpg", big, "image/jpeg"))
    with Image.open(io.BytesIO(whole.content.read())) as image:
        assert image.size == (4000, 3000)
    small = check_upload(upload("anh.jpg", jpeg(size=(640, 480)), "image/jpeg"), max_edge=2000)
    with Image.open(io.BytesIO(small.content.read())) as image:
        assert image.size == (640, 480)


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()
