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


def png_one_colour(width: int, height: int) -> bytes:
    """A real, valid one-colour PNG (1 bit per pixel, all black) of any size: a 12000 × 12000 one is a few kB,
    built row by row so that the test never holds the image in memory."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    packer, row = zlib.compressobj(9), b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the bits
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


COMMENT, XMP_SECRET, IPTC_SECRET = b"secret-comment-42", b"secret-xmp-42", b"secret-iptc-42"
TEXT_SECRET = "secret-text-42"


def _metadata_exif() -> Image.Exif:
    exif = Image.new("RGB", (1, 1)).getexif()
    exif[0x8825] = {1: "N", 2: (21.0, 11.0, 30.0), 3: "E", 4: (106.0, 4.0, 0.0)}
    exif[0x010F] = "PhoneMaker"
    return exif


def _icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _segment(marker: bytes, payload: bytes) -> bytes:
    return marker + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_metadata() -> bytes:
    """A Pillow JPEG carrying every kind of metadata: a comment (COM), EXIF with GPS, XMP (APP1), an ICC
    profile (APP2) and IPTC (a Photoshop APP13 block, put in by hand: Pillow does not write one)."""
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description>' + XMP_SECRET + b'</rdf:Description></rdf:RDF></x:xmpmeta>')
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 40, 40)).save(buf, "JPEG", comment=COMMENT, exif=_metadata_exif(), xmp=xmp,
                                                   icc_profile=_icc())
    iptc = b"\x1c\x02\x78" + struct.pack(">H", len(IPTC_SECRET)) + IPTC_SECRET  # 2:120, the caption
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    data = buf.getvalue()
    return data[:2] + _segment(b"\xff\xed", b"Photoshop 3.0\x00" + resource) + data[2:]


def png_with_metadata() -> bytes:
    """A Pillow PNG with text chunks (tEXt, zTXt, iTXt), EXIF (eXIf) and an ICC profile (iCCP); its
    transparent colour (tRNS) is pixels, not metadata."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", TEXT_SECRET)
    info.add_text("Author", TEXT_SECRET, zip=True)
    info.add_itxt("Description", TEXT_SECRET, lang="vi")
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(buf, "PNG", pnginfo=info, exif=_metadata_exif(),
                                                    icc_profile=_icc(), transparency=(10, 120, 200))
    return buf.getvalue()


def metadata_left(stored: bytes) -> list[str]:
    """What metadata an image still carries, by its bytes and as Pillow reads it (empty when none)."""
    left = [secret.decode() for secret in (COMMENT, XMP_SECRET, IPTC_SECRET, TEXT_SECRET.encode(), b"PhoneMaker",
                                           b"Photoshop", b"http://ns.adobe.com", b"8BIM") if secret in stored]
    with Image.open(io.BytesIO(stored)) as image:
        # JFIF's APP0 (a version and a pixel aspect) is the JPEG format itself; tRNS is pixels
        pixels_and_format = ("jfif", "jfif_version", "jfif_unit", "jfif_density", "transparency")
        left += [f"info[{key!r}]" for key in image.info if key not in pixels_and_format]
        left += ["EXIF"] if image.getexif() else []
        left += [f"JPEG segment {marker}" for marker, _ in getattr(image, "applist", []) if marker != "APP0"]
    return left


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
    assert in_language(err.value.args[0], "en") == ("The image “huge.png” is 50,000 × 50,000 pixels, "
                                                    "more than the limit of 40,000,000 pixels.")


def test_a_real_12000_by_12000_png_is_refused_by_its_header_naming_file_and_size():
    data = png_one_colour(12_000, 12_000)
    assert len(data) < 100_000  # a few kB that would take 144 MB (four times that as RGBA) once decoded
    with pytest.raises(UploadError) as err:
        check_upload(upload("bản đồ.png", data))
    assert in_language(err.value.args[0], "vi") == ("Ảnh “bản đồ.png” có kích thước 12.000 × 12.000 điểm ảnh, "
                                                    "vượt giới hạn 40.000.000 điểm ảnh.")


def test_an_image_between_pillows_limit_and_twice_it_is_refused_not_just_warned_about(settings):
    """Pillow only warns between its limit and twice it: the platform's limit is never above Pillow's, so
    such an image is refused by its header whatever the setting says."""
    data = png_one_colour(7_000, 7_000)  # 49 megapixels: past the platform's 40, under twice it
    with pytest.raises(UploadError) as err:
        check_upload(upload("a.png", data))
    assert "7.000 × 7.000" in in_language(err.value.args[0], "vi")
    settings.UPLOAD_MAX_PIXELS = 10**9  # above Pillow's own limit (about 89.5 megapixels)
    with pytest.raises(UploadError) as err:
        check_upload(upload("b.png", png_one_colour(10_000, 10_000)))
    assert in_language(err.value.args[0], "en").endswith(f"more than the limit of {Image.MAX_IMAGE_PIXELS:,} pixels.")


def test_the_pixel_limit_comes_from_the_settings(settings):
    settings.UPLOAD_MAX_PIXELS = 1000
    assert check_upload(upload("ok.jpg", jpeg(size=(40, 25)))).kind == "jpeg"
    with pytest.raises(UploadError) as err:
        check_upload(upload("big.jpg", jpeg(size=(40, 26))))
    assert in_language(err.value.args[0], "en") == ("The image “big.jpg” is 40 × 26 pixels, "
                                                    "more than the limit of 1,000 pixels.")


@pytest.mark.parametrize(("name", "make"), [("photo.jpg", jpeg_with_metadata), ("scan.png", png_with_metadata)])
def test_no_metadata_of_any_kind_leaves_an_upload(name, make):
    data = make()
    assert len(metadata_left(data)) >= 5  # the file carries it all before (the test's own check works)
    stored = check_upload(upload(name, data)).content.read()
    assert metadata_left(stored) == []
    if name.endswith(".png"):  # the pixels stay whole, the transparent colour with them
        with Image.open(io.BytesIO(stored)) as image:
            assert image.convert("RGBA").getpixel((0, 0)) == (10, 120, 200, 0)


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
