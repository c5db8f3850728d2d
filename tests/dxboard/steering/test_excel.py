"""Importing a plan from the Excel template: dropdowns, a preview with errors per row (Vietnamese then
English), all or nothing; then the pages that do it."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from dxboard.audit.models import AuditEntry
from dxboard.steering import excel
from dxboard.steering.models import DirectiveDocument, Plan, Task
from tests.workbooks import damaged_sheet, huge_dimension

D = datetime.date


def filled(rows) -> bytes:
    wb = load_workbook(io.BytesIO(excel.template_workbook()))
    ws = wb[excel.SHEET]
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    ["NV01", "Số hóa hồ sơ", "Nội dung", "government - Chính quyền số", "07210 - Phường Bắc Giang", "SKHCN; 09187",
     "Phó Chủ tịch", D(2025, 3, 1), D(2025, 6, 30), "Báo cáo", "DTI-1", "high - Cao", None, None],
    ["NV02", "Báo cáo tháng", "", "", "SKHCN", "", "", "01/01/2025", "31/03/2025", "", "", "", "monthly", 5],
]


def test_the_template_has_dropdowns_and_the_unit_list(tree):
    wb = load_workbook(io.BytesIO(excel.template_workbook()))
    ws = wb[excel.SHEET]
    assert ws.cell(row=1, column=2).value == "Tên nhiệm vụ (*)"
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert len(formulas) == 4 and all(f.startswith(f"='{excel.LISTS}'!") for f in formulas)
    assert excel.SHEET == "Nhiệm vụ" and excel.LISTS == "Danh mục"
    with translation.override("en"):
        english = load_workbook(io.BytesIO(excel.template_workbook()))[excel.SHEET]
    assert english.cell(row=1, column=2).value == "Title (*)"
    units = [c.value for c in wb[excel.LISTS]["C"] if c.value]
    assert "07210 - Phường Bắc Giang" in units and not any(u.startswith("07201-2025") for u in units)


def test_a_good_file_previews_and_applies(tree, personas, holidays):
    preview = excel.parse(filled(GOOD))
    assert preview["errors"] == []
    assert [r["lead_unit"] for r in preview["rows"]] == ["07210", "SKHCN"]
    plan = excel.apply(acting_user=personas["admin"], data=filled(GOOD), plan_fields={
        "unit": tree["P"], "title": "KH 2025", "year": 2025, "start": D(2025, 1, 1), "end": D(2025, 12, 31)},
        document_fields={"number": "1/KH-UBND", "date": D(2025, 1, 2), "issuer": "UBND tỉnh", "title": "KH"})
    nv01 = plan.tasks.get(code="NV01")
    assert nv01.lead_unit == tree["A"] and {u.code for u in nv01.coordinating_units.all()} == {"SKHCN", "09187"}
    assert nv01.priority == "high" and nv01.start_date == D(2025, 3, 1)
    template = plan.tasks.get(code="NV02")
    assert template.is_recurring and template.occurrences.count() == 3
    assert [o.deadline for o in template.occurrences.order_by("deadline")] == [D(2025, 1, 8), D(2025, 2, 7),
                                                                               D(2025, 3, 7)]
    assert plan.document.number == "1/KH-UBND"


def test_errors_per_row_in_vietnamese_then_english_and_nothing_is_written(tree, personas, holidays):
    bad = [
        GOOD[0],
        ["NV01", "", "", "space - Vũ trụ", "XXX", "", "", "", "30/02/2025", "", "", "", "", None],
        ["NV03", "Nhiệm vụ", "", "", "07201-2025", "", "", D(2025, 5, 1), D(2025, 4, 1), "", "", "urgent", "daily",
         None],
    ]
    preview = excel.parse(filled(bad))
    by_row = {}
    for e in preview["errors"]:
        by_row.setdefault(e["row"], []).append((e["letter"], e["message"]))
    assert 2 not in by_row
    letters3 = [letter for letter, _ in by_row[3]]
    assert letters3 == ["A", "B", "D", "E", "I"]
    with translation.override("vi"):
        row3 = [str(m) for _, m in by_row[3]]
        assert "Không có đơn vị mã “XXX”." in row3
        assert any("không phải là ngày" in m for m in row3) and not any("is not a date" in m for m in row3)
    with translation.override("en"):
        row3 = [str(m) for _, m in by_row[3]]
        assert "Unknown unit code “XXX”." in row3 and any("is not a date" in m for m in row3)
        assert any("no longer exists" in str(m) for _, m in by_row[4])
    assert [letter for letter, _ in by_row[4]] == ["E", "I", "L", "M"]
    count = Task.objects.count()
    from dxboard.steering.actions import ActionError

    with pytest.raises(ActionError):
        excel.apply(acting_user=personas["admin"], data=filled(bad), plan_fields={
            "unit": tree["P"], "title": "KH", "year": 2025, "start": D(2025, 1, 1), "end": D(2025, 12, 31)},
            document_fields=None)
    assert Task.objects.count() == count and not Plan.objects.filter(title="KH").exists()


def test_not_a_workbook():
    assert "Excel" in excel.parse(b"PK\x03\x04 garbage")["errors"][0]["message"]


def test_import_through_the_pages(login, personas, tree, holidays):
    client = login(personas["admin"])
    assert client.get("/steering/plans/template.xlsx")["Content-Type"].startswith("application/vnd.openxml")
    form = {"title": "Kế hoạch CĐS 2025", "year": 2025, "start": "2025-01-01", "end": "2025-12-31",
            "doc_number": "12/KH-UBND", "doc_date": "2025-01-10", "doc_issuer": "UBND tỉnh Bắc Ninh",
            "doc_kind": "plan"}
    bad = client.post("/steering/plans/import/", {**form, "file": SimpleUploadedFile(
        "kh.xlsx", filled([GOOD[0], ["", "", "", "", "XXX"]]))})
    html = bad.content.decode()
    assert "excel-errors" in html and "Không có đơn vị mã" in html and "confirm-import" not in html
    assert "Unknown unit code" not in html
    assert not Plan.objects.exists()
    good = client.post("/steering/plans/import/", {**form, "file": SimpleUploadedFile("kh.xlsx", filled(GOOD))})
    html = good.content.decode()
    assert "confirm-import" in html and not Plan.objects.exists()
    token = html.split('name="token" value="')[1].split('"')[0]
    done = client.post("/steering/plans/import/", {"token": token})
    plan = Plan.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/steering/plans/{plan.pk}/"
    assert plan.tasks.filter(parent=None).count() == 2
    assert DirectiveDocument.objects.get().number == "12/KH-UBND"
    assert AuditEntry.objects.filter(action="steering.create_task").count() >= 2
    # the token is used up
    assert client.post("/steering/plans/import/", {"token": token}).status_code == 302
    assert Plan.objects.count() == 1


def test_a_file_that_is_not_xlsx_is_refused(login, personas, tree):
    client = login(personas["admin"])
    r = client.post("/steering/plans/import/", {"title": "K", "year": 2025, "start": "2025-01-01",
                                                "end": "2025-12-31", "doc_number": "1", "doc_date": "2025-01-01",
                                                "doc_issuer": "x", "doc_kind": "plan",
                                                "file": SimpleUploadedFile("kh.xlsx", b"%PDF-1.4")})
    assert "errorlist" in r.content.decode() and not Plan.objects.exists()


# -- what the reader refuses or ignores (dxboard.core.sheets) --------------------------------------
FORM = {"title": "Kế hoạch CĐS 2025", "year": 2025, "start": "2025-01-01", "end": "2025-12-31",
        "doc_number": "12/KH-UBND", "doc_date": "2025-01-10", "doc_issuer": "UBND tỉnh Bắc Ninh", "doc_kind": "plan"}


def _post(client, data):
    return client.post("/steering/plans/import/", {**FORM, "file": SimpleUploadedFile("kh.xlsx", data)})


def test_a_plan_stating_a1_xfd20000_previews_only_its_rows(login, personas, tree, holidays):
    client = login(personas["admin"])
    response = _post(client, huge_dimension(filled(GOOD), excel.SHEET))
    assert response.status_code == 200 and "confirm-import" in response.content.decode()
    assert [r["row"] for r in excel.parse(huge_dimension(filled(GOOD), excel.SHEET))["rows"]] == [2, 3]
    token = response.content.decode().split('name="token" value="')[1].split('"')[0]
    client.post("/steering/plans/import/", {"token": token})
    assert Plan.objects.get().tasks.filter(parent=None).count() == 2


def test_a_damaged_sheet_is_a_clear_error_on_the_page_and_nothing_is_stored(login, personas, tree, holidays):
    client = login(personas["admin"])
    response = _post(client, damaged_sheet(filled(GOOD), excel.SHEET))
    html = response.content.decode()
    assert response.status_code == 200 and "confirm-import" not in html
    assert "Không đọc được tệp dưới dạng bảng tính Excel: nội dung một trang tính bị hỏng." in html
    assert not Plan.objects.exists() and not Task.objects.exists()


def test_a_plan_beyond_the_row_cap_is_refused_naming_the_limit(login, personas, tree, holidays, settings):
    client = login(personas["admin"])
    settings.IMPORT_MAX_ROWS = 2
    html = _post(client, filled(GOOD)).content.decode()
    assert "confirm-import" not in html and f"Trang tính “{excel.SHEET}” có nhiều hơn 2 dòng." in html
    assert not Plan.objects.exists()


def test_the_preview_page_shows_the_row_and_column_of_an_error(login, personas, tree, holidays):
    """Through core.imports: a bad deadline in row 3 (column I) is shown with that row and column."""
    client = login(personas["admin"])
    bad_row = [*GOOD[1][:8], "31/02/2025", *GOOD[1][9:]]
    html = client.post("/steering/plans/import/", {
        "title": "K", "year": 2025, "start": "2025-01-01", "end": "2025-12-31", "doc_number": "1",
        "doc_date": "2025-01-01", "doc_issuer": "UBND", "doc_kind": "plan",
        "file": SimpleUploadedFile("kh.xlsx", filled([GOOD[0], bad_row]))}).content.decode()
    errors = html.split('class="excel-errors"')[1].split("</table>")[0]
    assert "<td>Nhiệm vụ · 3</td><td>I · " in errors and "31/02/2025" in errors
    assert "confirm-import" not in html and not Plan.objects.exists() and not Task.objects.exists()
