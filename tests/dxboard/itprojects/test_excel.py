"""Excel round trip of the registry: export, preview, all-or-nothing apply, permission per row."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dxboard.audit.models import AuditEntry
from dxboard.itprojects import excel
from dxboard.itprojects.models import System
from tests.workbooks import damaged_sheet, huge_dimension

XLSX = excel.CONTENT_TYPE


def _workbook(client):
    response = client.get("/itprojects/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def _col(key):
    return excel.KEYS.index(key) + 1


def _upload(client, wb):
    out = io.BytesIO()
    wb.save(out)
    return client.post("/itprojects/import/", {"file": SimpleUploadedFile("he-thong.xlsx", out.getvalue(), XLSX)})


def _token(html):
    return html.split('name="token" value="')[1].split('"')[0]


def test_export_holds_only_the_readers_systems(login, personas, systems):
    ws = _workbook(login(personas["officer_a"]))[excel.SHEET]
    assert [r[0] for r in ws.iter_rows(min_row=3, values_only=True)] == ["sys-a"]
    assert [c.value for c in ws[2]][:3] == ["code", "name", "kind"]
    assert [c.value for c in ws[1]][:2] == ["Mã hệ thống", "Tên hệ thống"]  # headers in the reader's language
    english = login(personas["officer_a"])
    english.cookies["django_language"] = "en"
    assert [c.value for c in _workbook(english)[excel.SHEET][1]][:2] == ["Code", "Name"]
    ws = _workbook(login(personas["leader"]))[excel.SHEET]
    assert len(list(ws.iter_rows(min_row=3))) == 3


def test_round_trip_preview_then_apply(login, personas, systems, tree):
    client = login(personas["officer_a"])
    wb = _workbook(client)
    ws = wb[excel.SHEET]
    ws.cell(row=3, column=_col("monthly_active_users"), value=321)
    ws.cell(row=3, column=_col("lgsp"), value="x")
    new = [None] * len(excel.KEYS)
    for key, value in {"code": "new-a", "name": "Hệ thống mới", "owner": "07210", "domain": "health",
                       "stage": "approved", "decision_date": "01/03/2026", "budget_approved": "1.500,5"}.items():
        new[excel.KEYS.index(key)] = value
    ws.append(new)
    response = _upload(client, wb)
    html = response.content.decode()
    assert response.status_code == 200 and "new-a" in html
    # nothing written before confirming
    assert not System.objects.filter(code="new-a").exists()
    assert System.objects.get(code="sys-a").monthly_active_users is None
    response = client.post("/itprojects/import/apply/", {"token": _token(html)})
    assert response.status_code == 302
    a = System.objects.get(code="sys-a")
    assert a.monthly_active_users == 321 and a.lgsp
    created = System.objects.get(code="new-a")
    assert created.owner == tree["A"] and str(created.budget_approved) == "1500.5"
    assert created.decision_date.isoformat() == "2026-03-01"
    assert AuditEntry.objects.filter(action="itprojects.create_system", object_id=str(created.pk)).exists()
    # the token is spent
    assert client.post("/itprojects/import/apply/", {"token": _token(html)}).status_code == 302
    assert System.objects.filter(code="new-a").count() == 1


def test_one_bad_row_means_nothing_is_applied(login, personas, systems):
    client = login(personas["officer_a"])
    wb = _workbook(client)
    ws = wb[excel.SHEET]
    ws.cell(row=3, column=_col("name"), value="Tên mới")
    bad = [None] * len(excel.KEYS)
    bad[_col("code") - 1], bad[_col("name") - 1], bad[_col("owner") - 1] = "bad", "x", "07210"
    bad[_col("domain") - 1], bad[_col("security_level") - 1] = "không có", "ba"
    ws.append(bad)
    html = _upload(client, wb).content.decode()
    assert 'name="token"' not in html
    assert f"{excel.LETTER['domain']} · " in html and f"{excel.LETTER['security_level']} · " in html
    assert System.objects.get(code="sys-a").name != "Tên mới" and not System.objects.filter(code="bad").exists()


def test_a_bad_cell_is_shown_at_its_row_and_column_on_the_preview_and_nothing_is_written(login, personas, systems):
    client = login(personas["officer_a"])
    wb = _workbook(client)
    ws = wb[excel.SHEET]
    ws.cell(row=3, column=_col("name"), value="Tên mới")
    ws.cell(row=3, column=_col("security_level"), value="ba")  # not a whole number, at row 3
    response = _upload(client, wb)
    page = response.content.decode()
    assert response.status_code == 200 and "token" not in response.context
    letter = excel.LETTER["security_level"]
    assert f"<td>{excel.SHEET} · 3</td><td>{letter} · Cấp độ ATTT</td><td>Hãy nhập số nguyên.</td>" in page
    assert System.objects.get(code="sys-a").name != "Tên mới"


def test_the_confirm_checks_the_file_again_against_the_registry(login, personas, systems, tree):
    """Between preview and confirm another unit registers the code the file creates: the confirm refuses the
    file at that row, shows why, and writes none of it."""
    from tests.dxboard.itprojects.conftest import make_system

    client = login(personas["officer_a"])
    wb = _workbook(client)
    ws = wb[excel.SHEET]
    ws.cell(row=3, column=_col("name"), value="Đổi tên")
    new = [None] * len(excel.KEYS)
    for key, value in {"code": "new-a", "name": "Hệ thống mới", "owner": "07210", "domain": "health"}.items():
        new[excel.KEYS.index(key)] = value
    ws.append(new)
    html = _upload(client, wb).content.decode()
    make_system(tree["B"], "new-a")
    response = client.post("/itprojects/import/", {"token": _token(html)})
    page = response.content.decode()
    assert response.status_code == 200 and 'name="token"' not in page
    assert f"<td>{excel.SHEET} · 4</td><td>{excel.LETTER['code']} · Mã hệ thống</td>" in page
    assert "Bạn không được sửa hệ thống “new-a”." in page
    assert System.objects.get(code="sys-a").name != "Đổi tên" and System.objects.get(code="new-a").owner == tree["B"]


def test_rows_of_another_unit_are_refused(login, personas, systems):
    client = login(personas["officer_a"])
    wb = _workbook(client)
    ws = wb[excel.SHEET]
    row = [c.value for c in ws[3]]
    row[_col("code") - 1] = "sys-b"  # B's system, by code
    row[_col("name") - 1] = "hijack"
    ws.append(row)
    other_owner = [c.value for c in ws[3]]
    other_owner[_col("code") - 1] = "new-for-b"
    other_owner[_col("owner") - 1] = "09187"
    ws.append(other_owner)
    html = _upload(client, wb).content.decode()
    assert "sys-b" in html and 'name="token"' not in html
    assert System.objects.get(code="sys-b").name != "hijack" and not System.objects.filter(code="new-for-b").exists()


def test_changed_since_preview_is_checked_again(login, personas, systems, tree):
    """Between preview and apply the officer loses the unit: the apply re-checks and writes nothing."""
    from dxboard.accounts.models import Membership

    client = login(personas["officer_a"])
    wb = _workbook(client)
    wb[excel.SHEET].cell(row=3, column=_col("name"), value="Đổi tên")
    html = _upload(client, wb).content.decode()
    Membership.objects.filter(user=personas["officer_a"]).delete()
    response = client.post("/itprojects/import/apply/", {"token": _token(html)})
    assert response.status_code in (404, 409)
    assert System.objects.get(code="sys-a").name != "Đổi tên"


def test_not_a_workbook(login, personas, systems):
    client = login(personas["officer_a"])
    response = client.post("/itprojects/import/", {"file": SimpleUploadedFile("x.xlsx", b"hello", XLSX)})
    assert response.status_code == 400
    wb = _workbook(client)
    wb[excel.SHEET].cell(row=2, column=1, value="kode")
    html = _upload(client, wb).content.decode()
    assert "Hàng 2 phải giữ nguyên mã cột" in html and "Row 2" not in html


def test_export_never_writes_a_formula(login, personas, systems):
    System.objects.filter(pk=systems["A"].pk).update(name='=HYPERLINK("http://evil","x")')
    ws = _workbook(login(personas["officer_a"]))[excel.SHEET]
    cell = ws.cell(row=3, column=_col("name"))
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# -- what the reader refuses or ignores (dxboard.core.sheets) --------------------------------------
def _saved(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _post(client, data):
    return client.post("/itprojects/import/", {"file": SimpleUploadedFile("he-thong.xlsx", data, XLSX)})


def test_a_workbook_stating_a1_xfd20000_previews_only_its_rows(login, personas, systems):
    client = login(personas["officer_a"])
    wb = _workbook(client)
    wb[excel.SHEET].cell(row=3, column=_col("monthly_active_users"), value=321)
    response = _post(client, huge_dimension(_saved(wb), excel.SHEET))
    preview = response.context["preview"]
    assert response.status_code == 200 and preview.ok
    assert [c.code for c in preview.changes] == ["sys-a"] and preview.unchanged == 0


def test_a_damaged_sheet_is_a_clear_error_on_the_page_and_nothing_is_stored(login, personas, systems):
    client = login(personas["officer_a"])
    wb = _workbook(client)
    wb[excel.SHEET].cell(row=3, column=_col("monthly_active_users"), value=321)
    response = _post(client, damaged_sheet(_saved(wb), excel.SHEET))
    assert response.status_code == 200 and "token" not in response.context
    assert "Không đọc được tệp dưới dạng bảng tính Excel: nội dung một trang tính bị hỏng." in \
        response.content.decode()
    assert System.objects.get(code="sys-a").monthly_active_users is None


def test_a_workbook_beyond_the_row_cap_is_refused_naming_the_limit(login, personas, systems, settings):
    client = login(personas["officer_a"])
    settings.IMPORT_MAX_ROWS = 2
    wb = _workbook(client)
    wb[excel.SHEET].cell(row=3, column=_col("monthly_active_users"), value=321)
    response = _post(client, _saved(wb))
    assert response.status_code == 200 and "token" not in response.context
    assert f"Trang tính “{excel.SHEET}” có nhiều hơn 2 dòng." in response.content.decode()
    assert System.objects.get(code="sys-a").monthly_active_users is None
