"""Bắc Ninh demo of the steering programme: the province's DX plan for 2025–2026, with tasks for
departments and communes in every status, a recurring monthly report, progress reports, extension
requests (approved, refused, pending) and completion declarations (confirmed, returned, pending).

Deterministic for a given day and idempotent (tasks are keyed by plan and code); everything is
marked demo. Tasks that must be "due soon" or "within the deadline" on any day get deadlines
relative to the day the demo is loaded. Call after `dxboard.core.demo.load_demo()` (units, people).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from dxboard.units.models import Unit
from dxboard.workdays.loader import load_holidays

from . import actions
from .models import CompletionDeclaration, DirectiveDocument, Plan, RecurrenceRule, Task

D = datetime.date
PLAN_TITLE = "Kế hoạch chuyển đổi số tỉnh Bắc Ninh giai đoạn 2025–2026 (demo)"
LEADER = "Phó Chủ tịch UBND tỉnh, Phó Trưởng Ban Chỉ đạo"

# code, title, lead unit, coordinating units, start, deadline, outcome, pillar, indicator
# outcome: ("on_time", days before) | ("late", days after) | ("overdue",) | ("soon", days from today)
#          | ("open", days from today)
TASKS = [
    ("NV01", "Ban hành Kế hoạch chuyển đổi số năm 2025 của tỉnh", "SKHCN", ["VPUBND"], D(2025, 1, 2), D(2025, 1, 24),
     ("on_time", 3), "foundation", ""),
    ("NV02", "Hoàn thành kết nối Hệ thống quản lý văn bản với Trục liên thông văn bản quốc gia", "VPUBND", ["SKHCN"],
     D(2025, 2, 3), D(2025, 3, 31), ("on_time", 10), "government", "KPI-VBDT"),
    ("NV03", "Số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực", "SNV", ["SKHCN", "07210", "09187"],
     D(2025, 3, 1), D(2025, 6, 30), ("late", 21), "government", "DTI-CQS-2.3"),
    ("NV04", "Triển khai nền tảng học trực tuyến mở cho giáo viên", "SGDDT", [], D(2025, 4, 1), D(2025, 9, 30),
     ("on_time", 5), "society", ""),
    ("NV05", "Triển khai bệnh án điện tử tại bệnh viện tuyến tỉnh", "SYT", ["SKHCN"], D(2025, 3, 1), D(2025, 12, 31),
     ("late", 45), "society", "DTI-XHS-1.2"),
    ("NV06", "Xây dựng kho dữ liệu dùng chung của tỉnh (giai đoạn 1)", "SKHCN", ["STC"], D(2025, 7, 1), D(2026, 3, 31),
     ("overdue",), "foundation", ""),
    ("NV07", "Bố trí kinh phí chuyển đổi số năm 2026", "STC", ["SKHCN"], D(2025, 10, 1), D(2025, 12, 15),
     ("on_time", 2), "foundation", ""),
    ("NV08", "Phổ cập thanh toán không dùng tiền mặt tại chợ truyền thống", "SCT", ["07210", "09187"],
     D(2026, 1, 5), D(2026, 6, 30), ("overdue",), "economy", "DTI-KTS-2.1"),
    ("NV09", "Thành lập và vận hành tổ công nghệ số cộng đồng", "07210", [], D(2026, 1, 5), D(2026, 5, 29),
     ("on_time", 7), "society", ""),
    ("NV10", "Thành lập và vận hành tổ công nghệ số cộng đồng", "09187", [], D(2026, 1, 5), D(2026, 5, 29),
     ("overdue",), "society", ""),
    ("NV11", "Cung cấp dịch vụ công trực tuyến toàn trình cho 100% thủ tục đủ điều kiện", "07210", ["SKHCN"],
     D(2026, 2, 2), D(2026, 9, 30), ("late", 20), "government", "DTI-CQS-3.1"),
    ("NV12", "Tập huấn kỹ năng số cho cán bộ, công chức cấp xã", "SNV", ["07210", "09187"], D(2026, 3, 2), None,
     ("soon", 3), "foundation", ""),
    ("NV13", "Diễn tập an toàn thông tin mạng cấp tỉnh", "SKHCN", ["CAT"], D(2026, 4, 1), None, ("soon", 6),
     "foundation", ""),
    ("NV14", "Đánh giá chỉ số chuyển đổi số các sở, ngành và xã, phường năm 2026", "SKHCN", [], D(2026, 6, 1), None,
     ("open", 45), "foundation", "DTI"),
    ("NV15", "Triển khai hóa đơn điện tử khởi tạo từ máy tính tiền", "09187", ["SCT"], D(2026, 5, 4), None,
     ("open", 30), "economy", ""),
    ("NV16", "Chuẩn hóa dữ liệu dân cư phục vụ dịch vụ công", "09187", ["07210"], D(2026, 1, 5), D(2026, 4, 30),
     ("late", 12), "government", ""),
]


def _units(codes):
    return [u for u in Unit.objects.filter(code__in=codes)]


def _complete(task: Task, day: datetime.date, note: str) -> None:
    if day > timezone.localdate():
        return
    decl = actions.declare_completion(acting_user=None, task=task, declared_on=day, note=note)
    actions.decide_completion(acting_user=None, declaration=decl, confirm=True)


@transaction.atomic
def load_demo() -> Plan:
    load_holidays()
    today = timezone.localdate()
    province = Unit.objects.get(code="24")
    doc, _ = DirectiveDocument.objects.get_or_create(
        number="125/KH-UBND", date=D(2025, 1, 15),
        defaults={"issuer": "UBND tỉnh Bắc Ninh", "kind": DirectiveDocument.Kind.PLAN, "is_demo": True,
                  "title": "Kế hoạch chuyển đổi số tỉnh Bắc Ninh giai đoạn 2025–2026 (demo)"})
    plan = Plan.objects.filter(title=PLAN_TITLE).first()
    if plan is None:
        plan = actions.create_plan(acting_user=None, unit=province, title=PLAN_TITLE, year=2025, start=D(2025, 1, 1),
                                   end=max(D(2026, 12, 31), today + datetime.timedelta(days=90)), document=doc,
                                   is_demo=True)
    for code, title, lead, coord, start, deadline, outcome, pillar, indicator in TASKS:
        if plan.tasks.filter(code=code).exists():
            continue
        lead_unit = Unit.objects.filter(code=lead).first()
        if lead_unit is None:
            continue
        if deadline is None:
            deadline = today + datetime.timedelta(days=outcome[1])
            start = min(start, today)
        task = actions.create_task(acting_user=None, plan=plan, title=title, lead_unit=lead_unit, deadline=deadline,
                                   coordinating_units=_units(coord), code=code, pillar=pillar, assigned_by=LEADER,
                                   start_date=start, indicator_code=indicator, is_demo=True,
                                   expected_output="Báo cáo kết quả; sản phẩm theo kế hoạch")
        mid = start + (deadline - start) / 2
        if mid <= today:
            actions.report_progress(acting_user=None, task=task, percent=50,
                                    text="Đã hoàn thành khoảng một nửa khối lượng công việc.")
        if outcome[0] == "on_time":
            _complete(task, deadline - datetime.timedelta(days=outcome[1]), "Đã hoàn thành, có báo cáo kèm theo.")
        elif outcome[0] == "late":
            _complete(task, deadline + datetime.timedelta(days=outcome[1]), "Hoàn thành chậm so với kế hoạch.")
    _demo_followup(plan, today)
    _demo_recurring(plan, today)
    return plan


def _demo_followup(plan: Plan, today: datetime.date) -> None:
    """Extensions (approved, refused, pending) and completions (returned, pending), once."""
    def task(code):
        return plan.tasks.filter(code=code).first()

    nv06, nv08, nv13, nv10, nv14 = task("NV06"), task("NV08"), task("NV13"), task("NV10"), task("NV14")
    if nv06 and not nv06.extensions.exists():
        ext = actions.request_extension(acting_user=None, task=nv06, requested_deadline=nv06.deadline.replace(
            day=1) + datetime.timedelta(days=60), reason="Chờ bố trí kinh phí thuê hạ tầng điện toán đám mây.")
        actions.decide_extension(acting_user=None, extension=ext, approve=False,
                                 note="Không gia hạn; đề nghị triển khai theo từng phần.")
    if nv08 and not nv08.extensions.exists():
        ext = actions.request_extension(acting_user=None, task=nv08,
                                        requested_deadline=nv08.deadline + datetime.timedelta(days=31),
                                        reason="Các ngân hàng chưa hoàn thành tích hợp.")
        actions.decide_extension(acting_user=None, extension=ext, approve=True, note="Đồng ý gia hạn một tháng.")
    if nv13 and not nv13.extensions.exists() and nv13.completed_on is None:
        actions.request_extension(acting_user=None, task=nv13,
                                  requested_deadline=nv13.deadline + datetime.timedelta(days=30),
                                  reason="Phối hợp với Công an tỉnh để bố trí lịch diễn tập.")
    if nv10 and not nv10.declarations.exists():
        decl = actions.declare_completion(acting_user=None, task=nv10, declared_on=today, note="Đã thành lập tổ.")
        actions.decide_completion(acting_user=None, declaration=decl, confirm=False,
                                  note="Chưa có quyết định thành lập và danh sách thành viên kèm theo.")
    if nv14 and not nv14.declarations.filter(status=CompletionDeclaration.Status.PENDING).exists() \
            and nv14.completed_on is None:
        actions.report_progress(acting_user=None, task=nv14, percent=100, text="Đã gửi kết quả đánh giá.")
        actions.declare_completion(acting_user=None, task=nv14, declared_on=today, note="Đề nghị xác nhận hoàn thành.")


def _demo_recurring(plan: Plan, today: datetime.date) -> None:
    """Monthly report of the communes on the 5th working day of the month after; past months on time,
    late or missing."""
    for unit_code, code in (("07210", "BC-T-BG"), ("09187", "BC-T-KB")):
        if plan.tasks.filter(code=code).exists():
            continue
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            continue
        rule = RecurrenceRule.objects.create(frequency=RecurrenceRule.Frequency.MONTHLY, working_day=5, months_after=1)
        template = actions.create_task(acting_user=None, plan=plan, title="Báo cáo tình hình chuyển đổi số hằng tháng",
                                       lead_unit=unit, deadline=D(2026, 12, 31), recurrence=rule, code=code,
                                       start_date=D(2026, 1, 1), assigned_by=LEADER, pillar="foundation", is_demo=True)
        for i, occ in enumerate(template.occurrences.order_by("effective_deadline")):
            if occ.effective_deadline >= today:
                break
            if unit_code == "07210" or i % 3 == 0:
                _complete(occ, occ.effective_deadline, "Đã gửi báo cáo đúng hạn.")
            elif i % 3 == 1:
                _complete(occ, min(today, occ.effective_deadline + datetime.timedelta(days=4)), "Gửi báo cáo muộn.")
