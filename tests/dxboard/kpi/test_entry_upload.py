"""Manual entry (an officer for their unit only, audited) and upload (preview with row errors, all or
nothing)."""

import csv
import io

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from dxboard.audit.models import AuditEntry
from dxboard.kpi import actions, periods
from dxboard.kpi.models import Observation
from tests.workbooks import damaged_sheet, huge_dimension


def test_an_officer_enters_a_figure_for_their_unit(tree, personas, metric):
    counts = actions.enter_observation(acting_user=personas["officer_a"], metric=metric, unit=tree["A"],
                                       period="2026-W05", numerator=45, denominator=50)
    assert counts["created"] == 1
    o = Observation.objects.get()
    assert (o.source, o.entered_by, o.value) == ("manual", personas["officer_a"], 0.9)
    entry = AuditEntry.objects.get(action="kpi.observations.store")
    assert entry.actor == personas["officer_a"] and entry.unit == tree["A"]


@pytest.mark.parametrize("persona", ["officer_b", "dept_officer", "reviewer", "leader"])
def test_others_may_not_enter_for_unit_a(tree, personas, metric, persona):
    with pytest.raises(actions.NotAllowed):
        actions.enter_observation(acting_user=personas[persona], metric=metric, unit=tree["A"], period="2026-W05",
                                  numerator=1, denominator=2)
    assert not Observation.objects.exists()


def test_the_entry_page(tree, personas, metric, login):
    client = login(personas["officer_a"])
    week = periods.key_for(timezone.localdate(), "weekly")
    year, number, _d = timezone.localdate().isocalendar()
    page = client.get("/kpi/entry/").content.decode()
    assert f'<option value="{week}">tuần {number}/{year}</option>' in page  # picked, not typed
    response = client.post("/kpi/entry/", {"metric": metric.pk, "unit": tree["A"].pk, "period": "2020-W05",
                                           "numerator": "45", "denominator": "50"})
    assert response.status_code == 200 and not Observation.objects.exists()  # not a period on offer
    response = client.post("/kpi/entry/", {"metric": metric.pk, "unit": tree["A"].pk, "period": week,
                                           "numerator": "45", "denominator": "50"})
    assert response.status_code == 302
    assert Observation.objects.filter(unit=tree["A"]).exists()
    # unit B is not among the choices of officer A
    response = client.post("/kpi/entry/", {"metric": metric.pk, "unit": tree["B"].pk, "period": week,
                                           "numerator": "1", "denominator": "2"})
    assert response.status_code == 200 and not Observation.objects.filter(unit=tree["B"]).exists()
    assert login(personas["leader"]).get("/kpi/entry/").status_code == 404


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["metric", "unit", "period", "numerator", "denominator"])
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode())


def test_upload_csv_preview_shows_row_errors_and_stores_nothing(tree, personas, metric, login):
    client = login(personas["admin"])
    f = _csv([["T_RATE", tree["A"].code, "2026-W05", 9, 10], ["T_RATE", tree["B"].code, "2026-W05", 12, 10]])
    f.name = "figures.csv"
    response = client.post("/kpi/upload/", {"file": f})
    body = response.content.decode()
    assert response.status_code == 200 and "excel-errors" in body
    assert "Tử số không được lớn hơn mẫu số" in body and "numerator must not exceed" not in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    f = _csv([["T_RATE", tree["B"].code, "2026-W05", 12, 10]])
    f.name = "figures.csv"
    english = client.post("/kpi/upload/", {"file": f}).content.decode()
    assert "numerator must not exceed" in english and "Tử số không được" not in english
    assert 'name="token"' not in body
    assert client.post("/kpi/upload/", {"token": "guessed"}).status_code == 302  # nothing pending: back to the form
    assert not Observation.objects.exists()


def test_upload_xlsx_from_the_template(tree, personas, metric, login):
    client = login(personas["officer_a"])
    response = client.get(f"/kpi/metrics/{metric.code}/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert [c.value for c in ws[1]][:4] == ["metric", "unit", "unit_name", "period"]
    units = [row[1].value for row in ws.iter_rows(min_row=2)]
    assert units == [tree["A"].code]  # only the officer's own unit
    ws["E2"], ws["F2"] = 30, 40
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "figures.xlsx"
    response = client.post("/kpi/upload/", {"file": out})
    assert 'name="token"' in response.content.decode()
    assert client.post("/kpi/upload/", {"token": response.context["token"]}).status_code == 302
    o = Observation.objects.get()
    assert (o.unit, o.numerator, o.denominator, o.source) == (tree["A"], 30, 40, "upload")


def test_an_officer_cannot_upload_for_another_unit(tree, personas, metric, login):
    client = login(personas["officer_a"])
    wb = Workbook()
    ws = wb.active
    ws.append(["metric", "unit", "period", "numerator", "denominator"])
    ws.append(["T_RATE", tree["A"].code, "2026-W05", 1, 2])
    ws.append(["T_RATE", tree["B"].code, "2026-W05", 1, 2])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "x.xlsx"
    body = client.post("/kpi/upload/", {"file": out}).content.decode()
    assert 'name="token"' not in body and "Phường Kinh Bắc" in body
    with pytest.raises(actions.BatchErrors):
        actions.store_observations(acting_user=personas["officer_a"], source="upload", rows=[
            {"metric": "T_RATE", "unit": tree["B"].code, "period": "2026-W05", "numerator": 1, "denominator": 2}])
    assert not Observation.objects.exists()


# -- what the reader refuses or ignores (dxboard.core.sheets) --------------------------------------
def _filled_template(client, metric) -> bytes:
    wb = load_workbook(io.BytesIO(client.get(f"/kpi/metrics/{metric.code}/template.xlsx").content))
    wb.active["E2"], wb.active["F2"] = 30, 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _post(client, data):
    f = io.BytesIO(data)
    f.name = "figures.xlsx"
    return client.post("/kpi/upload/", {"file": f})


def test_a_workbook_stating_a1_xfd20000_previews_only_its_rows(tree, personas, metric, login):
    client = login(personas["officer_a"])
    response = _post(client, huge_dimension(_filled_template(client, metric)))
    assert response.status_code == 200 and 'name="token"' in response.content.decode()
    assert [r["row"] for r in response.context["preview"].changes] == [2]
    assert client.post("/kpi/upload/", {"token": response.context["token"]}).status_code == 302
    assert Observation.objects.get().numerator == 30


def test_a_damaged_sheet_is_a_clear_error_on_the_page_and_nothing_is_stored(tree, personas, metric, login):
    client = login(personas["officer_a"])
    response = _post(client, damaged_sheet(_filled_template(client, metric)))
    body = response.content.decode()
    assert response.status_code == 200 and 'name="token"' not in body
    assert "Không đọc được tệp dưới dạng bảng tính Excel: nội dung một trang tính bị hỏng." in body
    assert client.post("/kpi/upload/", {"token": "guessed"}).status_code == 302
    assert not Observation.objects.exists()


def test_a_workbook_beyond_the_row_cap_is_refused_naming_the_limit(tree, personas, metric, login, settings):
    client = login(personas["officer_a"])
    settings.IMPORT_MAX_ROWS = 1
    response = _post(client, _filled_template(client, metric))
    body = response.content.decode()
    assert response.status_code == 200 and 'name="token"' not in body
    assert f"Trang tính “{metric.code}” có nhiều hơn 1 dòng." in body
    assert not Observation.objects.exists()


# -- the import pipeline (core.imports): row and column, the file checked again on confirm -------------------
def test_a_wrong_value_shows_its_row_and_column_on_the_preview_and_writes_nothing(tree, personas, metric, login):
    client = login(personas["admin"])
    f = io.BytesIO(("metric;unit;period;numerator;denominator\n"
                    f"T_RATE;{tree['A'].code};2026-W05;9;10\n"
                    ";;;;\n"  # a blank row still counts in the file's numbering
                    f"T_RATE;{tree['B'].code};2026-W05;nine;10\n").encode())
    f.name = "figures.csv"
    response = client.post("/kpi/upload/", {"file": f})
    assert [(p.row, p.column, p.field) for p in response.context["preview"].problems] == [(4, "D", "numerator")]
    body = response.content.decode()
    assert "<td>4</td><td>D · numerator</td>" in body and "“nine” không phải là số" in body
    assert 'name="token"' not in body
    assert not Observation.objects.exists()


def test_confirm_checks_the_file_again(tree, personas, metric, login):
    """Between preview and confirm the officer lost unit A: the staged file is refused, nothing written."""
    from dxboard.accounts.models import Membership, Role

    client = login(personas["officer_a"])
    response = _post(client, _filled_template(client, metric))
    token = response.context["token"]
    Membership.objects.filter(user=personas["officer_a"]).delete()
    Membership.objects.create(user=personas["officer_a"], unit=tree["B"], role=Role.OFFICER)
    refused = client.post("/kpi/upload/", {"token": token})
    assert refused.status_code == 200
    assert [(p.row, p.column) for p in refused.context["preview"].problems] == [(2, "B")]
    assert not Observation.objects.exists() and not AuditEntry.objects.filter(action="kpi.observations.store").exists()


def test_an_upload_corrects_a_figure_with_its_audit_row(tree, personas, metric, login):
    client = login(personas["officer_a"])
    for numerator in (30, 35):
        wb = load_workbook(io.BytesIO(client.get(f"/kpi/metrics/{metric.code}/template.xlsx").content))
        wb.active["D2"], wb.active["E2"], wb.active["F2"] = "2026-W05", numerator, 40
        out = io.BytesIO()
        wb.save(out)
        response = _post(client, out.getvalue())
        assert client.post("/kpi/upload/", {"token": response.context["token"]}).status_code == 302
    old, new = Observation.objects.order_by("pk")
    assert (old.is_current, old.numerator, new.is_current, new.numerator) == (False, 30, True, 35)
    assert Observation.objects.get(pk=old.pk).superseded_by == new
    entry = AuditEntry.objects.filter(action="kpi.observations.store").latest("pk")
    assert entry.after["corrected"] == 1 and entry.actor == personas["officer_a"]
