# ruff: noqa: E501 — the demo tables read one row a line
"""The feedback part of the Bắc Ninh demo: the province's categories, a consent text, routing rules,
an Open311 client (key `demo-open311-key`, demo only) and about 80 reports over the last 90 days in
every state (answered and rated, in progress, overdue, re-routed, rejected, reopened, waiting), so the
queue, the public page, the figures and the routing classifier have something to show.

Deterministic (everything derived from the report number, no chance) and idempotent (keyed by the
idempotency key `demo-N`); everything marked `is_demo`. Needs the units and the `admin` account of
`dxboard.core.demo.load_demo()`. Entry point: `load_demo()`.
"""

import datetime
import io
import zlib

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from dxboard.units.models import Unit, UnitKind

from . import actions
from .models import (
    Answer,
    ApiClient,
    Assignment,
    Category,
    ConsentVersion,
    Rating,
    Report,
    ReportEvent,
    RoutingRule,
)

# code, name, name_en, description, on_site, sensitive, days, hours, handled by (department code or "" = the commune)
CATEGORIES = [
    ("road", "Giao thông, đường sá hư hỏng", "Roads and traffic", "Ổ gà, sụt lún, hư hỏng mặt đường, biển báo, đèn tín hiệu.", True, False, 5, 24, ""),
    ("lighting", "Chiếu sáng công cộng", "Street lighting", "Đèn đường không sáng, cột đèn nghiêng đổ, dây điện chiếu sáng.", True, False, 3, 12, ""),
    ("waste", "Rác thải, vệ sinh môi trường", "Waste and cleanliness", "Rác tồn đọng, điểm tập kết tự phát, xe thu gom không đến.", True, False, 3, 12, ""),
    ("urban-order", "Trật tự đô thị, lấn chiếm vỉa hè", "Urban order", "Lấn chiếm lòng đường, vỉa hè; quảng cáo sai quy định.", True, False, 5, 24, ""),
    ("construction", "Trật tự xây dựng", "Building without permit", "Xây dựng không phép, sai phép; vật liệu xây dựng lấn chiếm.", True, False, 7, 48, ""),
    ("environment", "Ô nhiễm môi trường", "Pollution", "Khói bụi, tiếng ồn, nước thải của cơ sở sản xuất.", True, False, 7, 24, "SNNMT"),
    ("procedure", "Thủ tục hành chính, dịch vụ công", "Administrative procedures", "Hồ sơ chậm, trễ hẹn; thái độ phục vụ; lỗi dịch vụ công trực tuyến.", False, False, 10, 48, "TTPVHCC"),
    ("health", "Y tế, an toàn thực phẩm", "Health and food safety", "Cơ sở khám chữa bệnh, an toàn thực phẩm, dịch bệnh.", False, False, 7, 24, "SYT"),
    ("education", "Giáo dục", "Education", "Trường lớp, thu chi, an toàn trường học.", False, False, 10, 48, "SGDDT"),
    ("digital", "Hạ tầng số, viễn thông", "Digital infrastructure", "Sóng di động yếu, cáp viễn thông treo thấp, ứng dụng số của tỉnh.", False, False, 10, 48, "SKHCN"),
    ("domestic-violence", "Bạo lực gia đình, xâm hại trẻ em", "Domestic violence, child abuse", "Chỉ đơn vị xử lý đọc nội dung, địa chỉ và ảnh; công khai chỉ có trạng thái, để bảo vệ người bị hại.", False, True, 2, 4, ""),
]

TEXTS = {
    "road": ["Ổ gà lớn giữa đường {street}, xe máy dễ ngã", "Mặt đường {street} sụt lún sau mưa", "Biển báo giao thông ở {street} bị đổ"],
    "lighting": ["Đèn đường {street} không sáng cả tuần", "Cột đèn chiếu sáng ở {street} bị nghiêng", "Cả dãy đèn đường {street} tắt từ 8 giờ tối"],
    "waste": ["Rác tồn đọng nhiều ngày ở đầu ngõ {street}", "Điểm tập kết rác tự phát cạnh {street} bốc mùi", "Xe thu gom rác không đến {street} ba hôm nay"],
    "urban-order": ["Quán ăn lấn chiếm hết vỉa hè {street}", "Xe ô tô đỗ kín lòng đường {street}", "Biển quảng cáo che khuất tầm nhìn ở {street}"],
    "construction": ["Công trình xây dựng không che chắn ở {street}", "Nhà xây vượt tầng trên {street}", "Vật liệu xây dựng đổ tràn ra {street}"],
    "environment": ["Xưởng sản xuất xả khói đen gần {street}", "Nước thải đổ ra mương cạnh {street}", "Tiếng ồn máy móc ban đêm ở {street}"],
    "procedure": ["Hồ sơ cấp giấy chứng nhận quyền sử dụng đất bị trễ hẹn", "Nộp hồ sơ trực tuyến bị lỗi không tải được tệp", "Hồ sơ đăng ký kinh doanh quá hạn chưa trả kết quả"],
    "health": ["Cơ sở bán đồ ăn không đảm bảo vệ sinh ở {street}", "Trạm y tế đóng cửa giờ hành chính", "Nghi có ổ dịch sốt xuất huyết ở {street}"],
    "education": ["Trường thu thêm khoản ngoài quy định", "Cổng trường {street} ùn tắc giờ tan học", "Phòng học xuống cấp, dột mái"],
    "digital": ["Sóng di động rất yếu ở {street}", "Cáp viễn thông treo thấp vắt qua {street}", "Ứng dụng của tỉnh không đăng nhập được bằng VNeID"],
    "domestic-violence": ["Nghe thấy tiếng đánh đập trẻ em nhiều lần", "Người phụ nữ bị chồng bạo hành"],
}
STREETS = ["Lý Thái Tổ", "Trần Hưng Đạo", "Nguyễn Văn Cừ", "Ngô Gia Tự", "Hoàng Hoa Thám", "Lê Lợi", "Xương Giang", "Nguyễn Thị Minh Khai"]
ANSWERS = {
    "": "Đơn vị đã kiểm tra hiện trường và xử lý xong. Cảm ơn Ông/Bà đã phản ánh.",
    "procedure": "Hồ sơ đã được giải quyết và trả kết quả; đơn vị đã xin lỗi vì trễ hẹn.",
}
N_REPORTS = 80
CENTRE = (21.186, 106.076)


def _n(i: int, salt: str) -> int:
    return zlib.crc32(f"{salt}:{i}".encode())


def _jpeg(i: int) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (96, 72), (60 + _n(i, "r") % 150, 60 + _n(i, "g") % 150, 60 + _n(i, "b") % 150)).save(buf, "JPEG")
    return SimpleUploadedFile(f"anh-{i}.jpg", buf.getvalue(), content_type="image/jpeg")


def _categories() -> dict[str, tuple[Category, str]]:
    found = {}
    for code, name, name_en, description, on_site, sensitive, days, hours, handler in CATEGORIES:
        cat, _ = Category.objects.update_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "description": description, "on_site": on_site,
            "sensitive": sensitive, "deadline_days": days, "deadline_hours": hours, "is_demo": True,
            "response_template": ANSWERS.get(code, ANSWERS[""]),
            "attributes": ([{"code": "danger", "datatype": "singlevaluelist", "required": False,
                             "description": "Mức độ nguy hiểm", "values": [{"key": "low", "name": "Thấp"},
                                                                          {"key": "high", "name": "Cao"}]}]
                           if code == "road" else [])})
        found[code] = (cat, handler)
    return found


# Hours each step of a demo report takes after the one before it (a base, plus a spread per report).
STEP_HOURS = {"received": (0, 1), "classified": (1, 4), "routed": (1, 20), "rerouted": (2, 30),
              "in_progress": (1, 10), "waiting": (2, 24), "resumed": (12, 48), "answered": (4, 150),
              "rated": (2, 48), "reopened": (24, 48), "rejected": (2, 20)}
# The steps that hand the report to a unit: each starts the next assignment, in order.
HANDOVERS = ("routed", "rerouted", "reopened")


def _shift(report: Report, base: datetime.datetime, i: int, now: datetime.datetime) -> None:
    """Lay the report's history out from `base` with handling times that vary by report, every step after
    the one before and the last one before `now` (the whole story moves back when it would end later):
    each assignment starts at its hand-over, ends at the next hand-over or its answer, and every date of the
    report, its answers and its rating is the time of its step in the history."""
    events = list(ReportEvent.objects.filter(report=report).order_by("pk"))
    offsets, hours = [], 0
    for k, event in enumerate(events):
        low, spread = STEP_HOURS.get(event.kind, (1, 2))
        hours += 0 if k == 0 else low + _n(i, f"step{k}") % spread
        offsets.append(datetime.timedelta(hours=hours, minutes=_n(i, f"min{k}") % 60 if k else 0))
    base = min(base, now - offsets[-1] - datetime.timedelta(hours=1))
    at = [base + offset for offset in offsets]
    for event, when in zip(events, at, strict=True):
        ReportEvent.objects.filter(pk=event.pk).update(at=when)

    def times(*kinds):
        return [when for event, when in zip(events, at, strict=True) if event.kind in kinds]

    handovers, answers, firsts = times(*HANDOVERS), times("answered"), times("in_progress", "waiting", "answered")
    assignments = list(Assignment.objects.filter(report=report).order_by("pk"))
    for k, (a, start) in enumerate(zip(assignments, handovers, strict=False)):
        following = handovers[k + 1] if k + 1 < len(handovers) else None
        answered = next((t for t in answers if t > start and (following is None or t <= following)), None)
        first = next((t for t in firsts if t > start), None)
        Assignment.objects.filter(pk=a.pk).update(
            assigned_at=start, deadline=start + (a.deadline - a.assigned_at),
            ended_at=(following or answered or start) if a.ended_at else None,
            first_response_at=first if a.first_response_at else None)
    for answer, when in zip(Answer.objects.filter(report=report).order_by("pk"), answers, strict=False):
        Answer.objects.filter(pk=answer.pk).update(answered_at=when)
    for rating, when in zip(Rating.objects.filter(report=report).order_by("pk"), times("rated"), strict=False):
        Rating.objects.filter(pk=rating.pk).update(at=when)
    last = Assignment.objects.filter(report=report).order_by("pk").last()
    Report.objects.filter(pk=report.pk).update(
        created_at=base, accepted_at=next(iter(times("approved")), None), deadline=last.deadline if last else None,
        answered_at=answers[-1] if answers else None, closed_at=at[-1] if report.closed_at else None)


@transaction.atomic
def load_demo() -> int:
    """Load the feedback demo; returns the number of reports created (0 when already loaded)."""
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None or not actions.is_intake(admin):
        return 0
    cats = _categories()
    consent, _ = ConsentVersion.objects.get_or_create(version="2025.1", defaults={
        "text": "Tôi đồng ý để Sở Khoa học và Công nghệ và đơn vị xử lý dùng thông tin liên hệ của tôi chỉ để "
                "xử lý và trả lời phản ánh này (Luật Bảo vệ dữ liệu cá nhân 2025, Nghị định 356/2025/NĐ-CP). "
                "Tên, số điện thoại, e-mail không được công khai; tôi có thể yêu cầu xoá bất cứ lúc nào.",
        "text_en": "I agree that the Department of Science and Technology and the handling unit use my contact "
                   "details only to handle and answer this report. They are never published; I may ask for "
                   "their deletion at any time."})
    ApiClient.objects.get_or_create(key_hash=actions.key_hash("demo-open311-key"),
                                    defaults={"name": "Open311 demo client"})
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE).order_by("code")[:12])
    if not communes:
        return 0
    for cat, handler in cats.values():
        unit = Unit.objects.filter(code=handler).first() if handler else None
        if unit is not None:
            RoutingRule.objects.get_or_create(category=cat, commune=None, defaults={"unit": unit, "is_demo": True})
    for commune in communes:
        RoutingRule.objects.get_or_create(category=None, commune=commune, defaults={"unit": commune, "is_demo": True})
    now = timezone.now()
    created = 0
    from dxboard.core.models import Notification

    seen = set(Notification.objects.values_list("pk", flat=True))
    codes = list(cats)
    for i in range(1, N_REPORTS + 1):
        key = f"demo-{i}"
        if Report.objects.filter(idempotency_key=key).exists():
            continue
        code = codes[_n(i, "cat") % len(codes)]
        cat, handler = cats[code]
        commune = communes[_n(i, "commune") % len(communes)]
        texts = TEXTS[code]
        street = STREETS[_n(i, "street") % len(STREETS)]
        description = texts[_n(i, "text") % len(texts)].format(street=street)
        lat0, lon0 = (commune.latitude, commune.longitude) if commune.latitude else CENTRE
        lat = round(lat0 + ((_n(i, "lat") % 2000) - 1000) / 100000, 6)
        lon = round(lon0 + ((_n(i, "lon") % 2000) - 1000) / 100000, 6)
        report, _ = actions.submit(
            category=cat, description=description, idempotency_key=key, consent=consent, latitude=lat,
            longitude=lon, commune=commune, address=f"Đường {street}", location_source="gps",
            name=f"Công dân {i} (demo)", phone=f"09000{i:05d}", email="", photos=[_jpeg(i)] if cat.on_site else [])
        Report.objects.filter(pk=report.pk).update(is_demo=True)
        report.is_demo = True
        created += 1
        fate = i % 20
        target = actions.rule_unit(cat, commune) or commune
        if fate not in (0, 1):  # read by the intake office: its text may be public (not if sensitive)
            actions.approve(report, acting_user=admin)
        if fate in (0, 1):  # still waiting for classification
            pass
        elif fate == 2:
            actions.route(report, target, acting_user=admin)
            actions.reject(report, acting_user=admin, reason="Không thuộc phạm vi phản ánh, kiến nghị (demo).")
        elif fate in (3, 4):  # misrouted first, re-routed by the intake office, then answered
            options = [communes[(communes.index(commune) + 1) % len(communes)], *communes]
            wrong = next(u for u in options if u != target)
            actions.route(report, wrong, acting_user=admin)
            actions.route(report, target, acting_user=admin, note="Không thuộc thẩm quyền, chuyển đúng đơn vị")
            _answer(report, admin, cat, i)
        elif fate in (5, 6, 7):  # open, being handled (some overdue once shifted back)
            actions.route(report, target, acting_user=admin)
            actions.start(report, acting_user=admin)
        elif fate == 8:
            actions.route(report, target, acting_user=admin)
            actions.wait_for_citizen(report, acting_user=admin, note="Đề nghị cung cấp số nhà cụ thể.")
        else:
            actions.route(report, target, acting_user=admin)
            actions.start(report, acting_user=admin)
            _answer(report, admin, cat, i)
            report.refresh_from_db()
            if fate == 9:
                actions.reopen(report, reason="Sau hai ngày lại hỏng như cũ.")
                _answer(report, admin, cat, i)
                report.refresh_from_db()
            if fate % 3 == 0 or fate in (10, 13, 17):
                score = 1 + _n(i, "score") % 5
                actions.rate(report, score=score, reason="Đánh giá mẫu (demo)")
        report.refresh_from_db()
        days_ago = 1 + _n(i, "age") % 88
        _shift(report, now - datetime.timedelta(days=days_ago, hours=_n(i, "hour") % 10), i, now)
    # The demo's history is not news: its notifications are marked read.
    Notification.objects.filter(link__startswith="/feedback/").exclude(pk__in=seen).update(read=True)
    return created


def _answer(report, admin, cat, i):
    evidence = [_jpeg(i + 1000)] if cat.on_site else []
    actions.answer(report, acting_user=admin, text=cat.response_template or ANSWERS[""], evidence=evidence)
