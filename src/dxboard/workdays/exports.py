"""A year of the calendar as an XLSX workbook (dates as dates), for the office's records."""

import io

from django.utils import translation
from django.utils.formats import date_format
from openpyxl import Workbook
from openpyxl.styles import Font

from dxboard.core.spreadsheets import append

from .models import Holiday

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ["Ngày", "Thứ", "Tên", "Tên tiếng Anh", "Loại", "Tạm tính", "Nguồn"]


def year_xlsx(year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"Lịch {year}"
    append(ws, [f"Lịch ngày nghỉ và ngày làm bù năm {year}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    append(ws, COLUMNS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    with translation.override("vi"):
        for day in Holiday.objects.filter(date__year=year):
            append(ws, [day.date, date_format(day.date, "l"), day.name, day.name_en, day.get_kind_display(),
                       "x" if day.provisional else "", day.source])
            ws.cell(row=ws.max_row, column=1).number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCDEFG", (12, 10, 44, 36, 16, 10, 60), strict=True):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
