"""XLSX and DOCX exports of the province overview and of a metric's page: real files, opened with
openpyxl and python-docx, holding the figures of the pages (rates of sums, preferred source only,
units the person may see)."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from dxboard.kpi.models import Target

from .conftest import obs


@pytest.fixture
def figures(tree, metric):
    Target.objects.create(metric=metric, year=2026, value=0.8)
    obs(metric, tree["A"], "2026-W02", 9, 10)
    obs(metric, tree["B"], "2026-W02", 50, 100)
    obs(metric, tree["A"], "2026-W03", 10, 10)
    obs(metric, tree["B"], "2026-W03", 40, 100)
    obs(metric, tree["B"], "2026-W03", 99, 100, source="demo")  # a lower-priority duplicate: not counted
    return metric


def _xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(response.content))


def _docx_text(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(p.text for p in document.paragraphs), cells


def test_overview_xlsx(tree, personas, figures, login):
    wb = _xlsx(login(personas["leader"]).get("/kpi/overview.xlsx"))
    ws = wb.active
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    code, _name, period, num, den, value, target, status, off, basis = rows[figures.code]
    assert (num, den) == (50, 110) and value == pytest.approx(50 / 110)  # week 3: 10/10 + 40/100
    assert (period, target, status) == ("tuần 3/2026", 0.8, "Chưa đạt")
    assert basis == "Tổng tử số / tổng mẫu số của các đơn vị"
    assert off == "Phường Kinh Bắc"
    assert ws.cell(row=4 + list(rows).index(figures.code), column=6).number_format == "0.0%"


def test_overview_docx(tree, personas, figures, login):
    text, cells = _docx_text(login(personas["leader"]).get("/kpi/overview.docx"))
    assert "BÁO CÁO" in text and "Phường Kinh Bắc" in text
    row = cells.index(f"{figures.code} — {figures.name}")
    assert cells[row + 2: row + 6] == ["45,5 %", "80,0 %", "Chưa đạt", "1"]


def test_metric_xlsx(tree, personas, figures, login):
    wb = _xlsx(login(personas["leader"]).get(f"/kpi/metrics/{figures.code}/export.xlsx"))
    series = list(wb["Chuỗi số liệu"].iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1], r[2], r[4]) for r in series] == [("tuần 2/2026", 59, 110, 2), ("tuần 3/2026", 50, 110, 2)]
    assert series[0][3] == pytest.approx(59 / 110)
    ranked = list(wb["Xếp hạng"].iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[2], r[3], r[4]) for r in ranked] == [(1, "Phường Bắc Giang", 10, 10),
                                                          (2, "Phường Kinh Bắc", 40, 100)]
    dist = dict(wb["Phân bố"].iter_rows(min_row=4, values_only=True))
    assert dist["40–50 %"] == 1 and dist["90–100 %"] == 1


def test_metric_docx_with_its_chart(tree, personas, figures, login):
    response = login(personas["leader"]).get(f"/kpi/metrics/{figures.code}/export.docx")
    text, cells = _docx_text(response)
    week3 = cells.index("tuần 3/2026")
    assert cells[week3: week3 + 6] == ["tuần 3/2026", "50", "110", "45,5 %", "2", "80,0 %"]
    assert "53,6 %" in cells
    a, b = cells.index("Phường Bắc Giang"), cells.index("Phường Kinh Bắc")
    assert a < b and cells[b + 1: b + 5] == [tree["B"].code, "40", "100", "40,0 %"]
    assert len(Document(io.BytesIO(response.content)).inline_shapes) == 1  # the series chart


def test_an_officer_exports_only_their_units(tree, personas, figures, login):
    client = login(personas["officer_a"])
    ranked = list(_xlsx(client.get(f"/kpi/metrics/{figures.code}/export.xlsx"))["Xếp hạng"]
                  .iter_rows(min_row=4, values_only=True))
    assert [r[2] for r in ranked] == ["Phường Bắc Giang"]
    _text, cells = _docx_text(client.get(f"/kpi/metrics/{figures.code}/export.docx"))
    assert "Phường Kinh Bắc" not in cells
    rows = {r[0]: r for r in _xlsx(client.get("/kpi/overview.xlsx")).active.iter_rows(min_row=4, values_only=True)}
    assert not rows[figures.code][8]  # units off track: for the office and leaders only
    assert login(None).get("/kpi/overview.xlsx").status_code == 302
