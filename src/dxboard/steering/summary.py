"""The committee's summary for a month, a quarter or a year: figures, the league table of units, the
overdue tasks; as a page, a DOCX report in the administrative style of Decree 30/2020 (the layout of
the index reports is reused) and an XLSX workbook."""

import datetime

from django.utils import timezone

from dxboard.index import charts
from dxboard.index.reports import (
    DOCUMENT_SYMBOL,
    FALLBACK_BODY,
    FALLBACK_PROVINCE,
    NBSP,
    SIGNER_NAME,
    SIGNER_ON_BEHALF,
    SIGNER_TITLE,
    ReportContent,
    Section,
    place_name,
    province_unit,
    render_docx,
    vn_date,
)

from .models import Task
from .rates import Period, league_table, rates_by, total_rates
from .status import OVERDUE


def build(period: Period, as_of: datetime.date | None = None) -> dict:
    as_of = as_of or timezone.localdate()
    tasks = Task.objects.countable()
    overdue = list(tasks.with_status(as_of).filter(status=OVERDUE, effective_deadline__gte=period.start,
                                                    effective_deadline__lte=period.end)
                   .select_related("plan", "lead_unit").order_by("effective_deadline", "pk"))
    by_plan = rates_by(tasks, period.start, period.end, key="plan", as_of=as_of)
    from .models import Plan

    plans = Plan.objects.in_bulk(list(by_plan))
    return {"period": period, "as_of": as_of, "total": total_rates(tasks, period, as_of),
            "previous": total_rates(tasks, period.previous(), as_of), "league": league_table(period, tasks, as_of),
            "overdue": overdue, "plans": [(plans[k], r) for k, r in by_plan.items()]}


def _pct(value) -> str:
    return "—" if value is None else charts.vn_number(value * 100, 1)


def _vi_period(period: Period) -> str:
    if period.kind == "month":
        return f"tháng {period.number:02d} năm {period.year}"
    if period.kind == "quarter":
        return f"quý {['I', 'II', 'III', 'IV'][period.number - 1]} năm {period.year}"
    return f"năm {period.year}"


def docx(summary: dict, day: datetime.date | None = None) -> bytes:
    day = day or timezone.localdate()
    province = province_unit()
    province_name = province.name if province else FALLBACK_PROVINCE
    t = summary["total"]
    p = summary["previous"]
    when = _vi_period(summary["period"])
    figures = [
        f"Trong {when}, có {t.denominator} nhiệm vụ đến hạn phải hoàn thành; đã hoàn thành {t.completed} nhiệm vụ "
        f"(trong đó {t.on_time} nhiệm vụ đúng hạn, {t.late} nhiệm vụ quá hạn), còn {t.overdue} nhiệm vụ quá hạn "
        f"chưa hoàn thành; {t.in_progress} nhiệm vụ đang thực hiện trong hạn.",
        f"Tỷ lệ hoàn thành (hoàn thành / (hoàn thành + quá hạn chưa hoàn thành)) đạt {_pct(t.rate)}%; tỷ lệ đúng hạn "
        f"đạt {_pct(t.on_time_share)}%. Kỳ trước: {_pct(p.rate)}%.",
    ]
    table = [["STT", "Đơn vị chủ trì", "Hoàn thành", "Đúng hạn", "Quá hạn", "Tỷ lệ (%)", "Thay đổi"]]
    for i, row in enumerate(summary["league"], 1):
        r = row["rates"]
        change = "—" if row["change"] is None else charts.vn_number(row["change"], 1)
        table.append([str(i), row["unit"].name, str(r.completed), str(r.on_time), str(r.overdue), _pct(r.rate),
                      change])
    overdue = [f"{task.title} — {task.lead_unit.name}, hạn {task.deadline:%d/%m/%Y}" for task in summary["overdue"]]
    content = ReportContent(
        governing=f"UBND {province_name.upper()}", body=FALLBACK_BODY.upper(),
        number=f"Số:{NBSP * 8}/{DOCUMENT_SYMBOL}", place_date=vn_date(day, place_name(province_name)),
        title="BÁO CÁO", subject=f"Kết quả thực hiện nhiệm vụ chuyển đổi số {when}",
        sections=[Section("I. KẾT QUẢ CHUNG", figures),
                  Section("II. KẾT QUẢ THEO ĐƠN VỊ", ["Xếp hạng theo tỷ lệ hoàn thành nhiệm vụ:"], table=table),
                  Section("III. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH", overdue or ["Không có nhiệm vụ quá hạn."])],
        closing="Ban Chỉ đạo yêu cầu các đơn vị có nhiệm vụ quá hạn khẩn trương hoàn thành và báo cáo kết quả "
                "về cơ quan thường trực./.",
        recipients=["Thường trực Tỉnh ủy, HĐND tỉnh (b/c);", "Trưởng Ban, các Phó Trưởng Ban Chỉ đạo;",
                    "Các sở, ban, ngành; UBND các xã, phường;", "Lưu: VT, Sở KH&CN."],
        signer=[SIGNER_ON_BEHALF, SIGNER_TITLE], signer_name=SIGNER_NAME)
    return render_docx(content)
