"""Exports of the dashboards: the province overview and a metric's page as an XLSX workbook (numbers as
numbers: rates as shares with a percent format, numerators and denominators beside them) and as a DOCX
report in the administrative layout of the index reports (Decree 30/2020). Same figures as the pages
(dashboards.py), for the units the person may see."""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from dxboard.core.spreadsheets import append
from dxboard.index import charts
from dxboard.index.reports import (
    DOCUMENT_SYMBOL,
    FALLBACK_BODY,
    FALLBACK_PROVINCE,
    NBSP,
    SIGNER_NAME,
    SIGNER_ON_BEHALF,
    SIGNER_TITLE,
    Figure,
    ReportContent,
    Section,
    place_name,
    province_unit,
    render_docx,
    vn_date,
)

from . import dashboards, periods
from .models import Kind, Metric

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATUS_VI = {"on-track": "Đạt", "off-track": "Chưa đạt", "": ""}


def _sheet_header(ws, title: str, columns: list[str]) -> None:
    append(ws, [title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    append(ws, columns)
    for cell in ws[3]:
        cell.font = Font(bold=True)


def _number_format(metric: Metric) -> str:
    return "0.0%" if metric.is_rate else "#,##0.##"


def _parts(metric: Metric, figure) -> tuple:
    """Numerator and denominator of a figure for the sheets; none for a score (its figure is a mean)."""
    if figure is None or metric.kind == Kind.SCORE:
        return None, None
    return figure.numerator, figure.denominator


def _parts_text(metric: Metric, figure) -> list[str]:
    return ["—" if v is None else charts.vn_number(v, 0) for v in _parts(metric, figure)]


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def overview_xlsx(rows: list[dict], day: datetime.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng quan"
    _sheet_header(ws, f"Số liệu vận hành — tổng quan toàn tỉnh ({day:%d/%m/%Y})",
                  ["Mã", "Chỉ tiêu", "Kỳ", "Tử số", "Mẫu số", "Giá trị", "Mục tiêu", "Đánh giá",
                   "Đơn vị chưa đạt", "Cách tính toàn tỉnh"])
    for row in rows:
        metric, figure, target = row["metric"], row.get("figure"), row.get("target")
        append(ws, [metric.code, metric.name, str(periods.label(row["period_key"])) if row["period"] else "",
                   *_parts(metric, figure), row["value"], target.value if target else None,
                   STATUS_VI[row["status"]], ", ".join(u.name for u in row["off"]), str(metric.province_basis)])
        for col in ("F", "G"):
            ws[f"{col}{ws.max_row}"].number_format = _number_format(metric)
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["I"].width = 60
    return _save(wb)


def metric_xlsx(metric: Metric, data: dict, day: datetime.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Chuỗi số liệu"
    _sheet_header(ws, f"{metric.code} — {metric.name} (toàn tỉnh, {day:%d/%m/%Y})",
                  ["Kỳ", "Tử số", "Mẫu số", "Giá trị", "Số đơn vị"])
    for p in data["points"]:
        f = p["figure"]
        append(ws, [str(periods.label(p["period"])), *_parts(metric, f), f.value, f.count])
        ws[f"D{ws.max_row}"].number_format = _number_format(metric)
    ranked = wb.create_sheet("Xếp hạng")
    _sheet_header(ranked, f"Xếp hạng đơn vị — {periods.label(data['last_period'] or '')}",
                  ["Hạng", "Mã đơn vị", "Đơn vị", "Tử số", "Mẫu số", "Giá trị", "Đánh giá"])
    for r in data["ranked"]:
        f = r["figure"]
        append(ranked, [r["rank"], r["unit"].code, r["unit"].name, *_parts(metric, f), f.value,
                       STATUS_VI[r["status"]]])
        ranked[f"F{ranked.max_row}"].number_format = _number_format(metric)
    ranked.column_dimensions["C"].width = 40
    if data["distribution"]:
        dist = wb.create_sheet("Phân bố")
        _sheet_header(dist, "Phân bố tỷ lệ của các đơn vị", ["Khoảng", "Số đơn vị"])
        for d in data["distribution"]:
            append(dist, [d["label"], d["count"]])
    return _save(wb)


def _content(subject: str, sections: list[Section], day: datetime.date) -> ReportContent:
    province = province_unit()
    province_name = province.name if province else FALLBACK_PROVINCE
    return ReportContent(
        governing=f"UBND {province_name.upper()}", body=FALLBACK_BODY.upper(),
        number=f"Số:{NBSP * 8}/{DOCUMENT_SYMBOL}", place_date=vn_date(day, place_name(province_name)),
        title="BÁO CÁO", subject=subject, sections=sections,
        closing="Đề nghị các đơn vị có chỉ tiêu chưa đạt mục tiêu rà soát, có giải pháp cải thiện và báo cáo "
                "kết quả về cơ quan thường trực./.",
        recipients=["Trưởng Ban, các Phó Trưởng Ban Chỉ đạo;", "Các sở, ban, ngành; UBND các xã, phường;",
                    "Lưu: VT, Sở KH&CN."],
        signer=[SIGNER_ON_BEHALF, SIGNER_TITLE], signer_name=SIGNER_NAME)


# The report layout (index/reports.py) draws tables of seven columns.
def overview_docx(rows: list[dict], day: datetime.date) -> bytes:
    table = [["STT", "Chỉ tiêu", "Kỳ", "Giá trị", "Mục tiêu", "Đánh giá", "Đơn vị chưa đạt"]]
    off_lines = []
    for i, row in enumerate(rows, 1):
        metric = row["metric"]
        table.append([str(i), f"{metric.code} — {metric.name}",
                      str(periods.label(row["period_key"])) if row["period"] else "—", row["shown"],
                      row["target_shown"],
                      STATUS_VI[row["status"]], str(len(row["off"])) if row["status"] else ""])
        if row["off"]:
            off_lines.append(f"{metric.name}: {', '.join(u.name for u in row['off'])}.")
    reached = sum(r["status"] == "on-track" for r in rows)
    measured = sum(bool(r["status"]) for r in rows)
    sections = [
        Section("I. KẾT QUẢ CHUNG", [f"Theo dõi {len(rows)} chỉ tiêu; {reached}/{measured} chỉ tiêu có mục tiêu đạt "
                                     "mục tiêu năm ở kỳ gần nhất. Số liệu toàn tỉnh tính theo loại chỉ tiêu: tỷ lệ "
                                     "bằng tổng tử số / tổng mẫu số của các đơn vị; số lượng bằng tổng của các đơn "
                                     "vị; điểm, chỉ số bằng trung bình cộng của các đơn vị."], table=table),
        Section("II. ĐƠN VỊ CHƯA ĐẠT MỤC TIÊU", off_lines or ["Không có đơn vị chưa đạt mục tiêu."]),
    ]
    return render_docx(_content(f"Số liệu vận hành các hệ thống dùng chung đến ngày {day:%d/%m/%Y}", sections, day))


def metric_docx(metric: Metric, data: dict, day: datetime.date) -> bytes:
    series = [["STT", "Kỳ", "Tử số", "Mẫu số", "Giá trị", "Số đơn vị", "Mục tiêu"]]
    for i, p in enumerate(data["points"], 1):
        f, target = p["figure"], metric.target_for(p["start"].year)
        series.append([str(i), str(periods.label(p["period"])), *_parts_text(metric, f), p["shown"], str(f.count),
                       dashboards.fmt(metric, target.value) if target else "—"])
    ranked = [["Hạng", "Đơn vị", "Mã", "Tử số", "Mẫu số", "Giá trị", "Đánh giá"]]
    for r in data["ranked"]:
        f = r["figure"]
        ranked.append([str(r["rank"]), r["unit"].name, r["unit"].code, *_parts_text(metric, f), r["shown"],
                       STATUS_VI[r["status"]]])
    figures = []
    if metric.is_rate and len(data["points"]) >= 2:  # the chart draws shares on 0–100 %
        values = [p["figure"].value for p in data["points"]]
        png = charts.time_series([str(periods.label(p["period"])) for p in data["points"]], {"Toàn tỉnh": values},
                                 fmt="png", ylabel="%")
        figures.append(Figure(png, f"Diễn biến {metric.name} toàn tỉnh"))
    definition = f"Công thức: {metric.numerator_label}" + (f" / {metric.denominator_label}" if metric.is_rate else "")
    sections = [
        Section("I. CHỈ TIÊU", [f"{metric.code} — {metric.name}.", definition,
                                f"Số liệu toàn tỉnh: {str(metric.province_basis).lower()}.",
                                f"Nguồn số liệu: {metric.source_system or '—'}."]),
        Section("II. DIỄN BIẾN TOÀN TỈNH", [], table=series, figures=figures),
        Section(f"III. XẾP HẠNG ĐƠN VỊ ({str(periods.label(data['last_period'] or '—')).upper()})",
                [] if data["ranked"] else ["Chưa có số liệu."], table=ranked if data["ranked"] else None),
    ]
    return render_docx(_content(f"Chỉ tiêu {metric.name}", sections, day))
