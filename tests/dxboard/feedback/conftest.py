import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_with_gps(color=(120, 40, 40)) -> bytes:
    image = Image.new("RGB", (16, 12), color)
    exif = image.getexif()
    exif[0x8825] = {1: "N", 2: (21.0, 11.0, 30.0), 3: "E", 4: (106.0, 4.0, 0.0)}
    exif[0x010F] = "PhoneMaker"
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def photo(name="p.jpg", color=(120, 40, 40)):
    return SimpleUploadedFile(name, jpeg_with_gps(color), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the public page caches its figures


@pytest.fixture
def fb(tree):
    from dxboard.feedback.models import Category, ConsentVersion, RoutingRule

    road = Category.objects.create(code="road", name="Đường hư hỏng", description="Ổ gà, sụt lún", on_site=True,
                                   deadline_days=5, deadline_hours=24,
                                   attributes=[{"code": "size", "datatype": "singlevaluelist", "required": True,
                                                "description": "Size", "values": [{"key": "small", "name": "Nhỏ"},
                                                                                  {"key": "large", "name": "Lớn"}]}])
    admin_cat = Category.objects.create(code="procedure", name="Thủ tục hành chính", on_site=False, deadline_days=10)
    violence = Category.objects.create(code="violence", name="Bạo lực gia đình", on_site=False, sensitive=True)
    consent = ConsentVersion.objects.create(version="2025.1", text="Đồng ý xử lý dữ liệu cá nhân",
                                            text_en="I agree")
    RoutingRule.objects.create(category=road, commune=tree["A"], unit=tree["A"])
    return {"road": road, "procedure": admin_cat, "violence": violence, "consent": consent}


@pytest.fixture
def make_report(fb, tree, personas):
    """A citizen's report; `accepted=True`: the intake office accepted it for publication."""
    from dxboard.feedback import actions

    counter = {"n": 0}

    def _make(category="procedure", photos=None, accepted=False, **kw):
        counter["n"] += 1
        cat = fb[category]
        if photos is None:
            photos = [photo()] if cat.on_site else []
        kw.setdefault("description", f"Phản ánh số {counter['n']}: đèn đường hỏng")
        kw.setdefault("commune", tree["A"])
        kw.setdefault("name", "Nguyễn Văn An")
        kw.setdefault("phone", "0912345678")
        kw.setdefault("email", "an@example.org")
        report, _ = actions.submit(category=cat, idempotency_key=f"k-{counter['n']}-{kw['description'][:10]}",
                                   consent=fb["consent"], photos=photos, **kw)
        if accepted:
            actions.approve(report, acting_user=personas["admin"])
        return report

    return _make


@pytest.fixture
def api_key(db):
    """The key of an Open311 client."""
    from dxboard.feedback import actions

    _, key = actions.create_api_client("Hue-S bridge", acting_user=None)
    return key


@pytest.fixture
def answered(make_report, personas, tree):
    """A public road report with a point, routed to ward A and answered with a photo."""
    from dxboard.feedback import actions
    from dxboard.feedback.models import Report

    r = make_report("road", latitude=21.2731, longitude=106.1946, address="Số 1 Lý Thái Tổ", accepted=True)
    actions.route(r, tree["A"], acting_user=personas["admin"])
    actions.answer(r, acting_user=personas["officer_a"], text="Đã vá ổ gà", evidence=[photo("after.jpg")])
    return Report.objects.get(pk=r.pk)


def says(refusal, vietnamese: str, english: str) -> bool:
    """A refusal reads `vietnamese` by default and `english` to a reader who chose English."""
    from django.utils import translation

    text = refusal.value if hasattr(refusal, "value") else refusal
    with translation.override("en"):
        in_english = str(text)
    return vietnamese in str(text) and english in in_english and english not in str(text)
