"""Pages, exports and the API: the office list overdue first, my tasks, a task followed through the
pages, the plan timeline, the league table, the summary as DOCX and XLSX."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dxboard.steering import actions
from dxboard.steering.models import Task

D = datetime.date


@pytest.fixture
def spread(make_task):
    """Tasks of A and B in several statuses (relative to today)."""
    today = timezone.localdate()
    overdue = make_task(lead="A", deadline=today - datetime.timedelta(days=20), title="Quá hạn A")
    soon = make_task(lead="A", deadline=today + datetime.timedelta(days=2), title="Sắp đến hạn A")
    later = make_task(lead="B", deadline=today + datetime.timedelta(days=60), title="Còn hạn B")
    done = make_task(lead="B", deadline=today - datetime.timedelta(days=5), title="Xong B")
    Task.objects.filter(pk=done.pk).update(completed_on=today - datetime.timedelta(days=6))
    return {"overdue": overdue, "soon": soon, "later": later, "done": done}


def test_office_list_puts_overdue_first_and_filters(login, personas, spread):
    client = login(personas["admin"])
    html = client.get("/steering/tasks/").content.decode()
    assert html.index("Quá hạn A") < html.index("Sắp đến hạn A") < html.index("Còn hạn B") < html.index("Xong B")
    html = client.get("/steering/tasks/?status=overdue").content.decode()
    assert "Quá hạn A" in html and "Còn hạn B" not in html
    html = client.get("/steering/tasks/?unit=09187").content.decode()
    assert "Còn hạn B" in html and "Quá hạn A" not in html


def test_any_list_exports_to_excel(login, personas, spread):
    response = login(personas["admin"]).get("/steering/tasks/?unit=07210&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    titles = [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    assert titles == ["Quá hạn A", "Sắp đến hạn A"]
    assert (ws.cell(row=1, column=10).value, ws.cell(row=2, column=10).value) == ("Trạng thái", "Quá hạn")
    english = login(personas["admin"])
    english.cookies["django_language"] = "en"
    response = english.get("/steering/tasks/?unit=07210&format=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert (ws.cell(row=1, column=10).value, ws.cell(row=2, column=10).value) == ("Status", "Overdue")


def test_my_tasks_of_an_officer(login, personas, spread):
    html = login(personas["officer_a"]).get("/steering/").content.decode()
    assert "Quá hạn A" in html and "Sắp đến hạn A" in html and "Còn hạn B" not in html


def test_a_unit_follows_a_task_through_the_pages(login, personas, spread):
    task = spread["soon"]
    client = login(personas["officer_a"])
    r = client.post(f"/steering/tasks/{task.pk}/progress/", {"percent": 60, "text": "Đã xong phần lớn"})
    assert r.status_code == 302
    r = client.post(f"/steering/tasks/{task.pk}/extension/", {"requested_deadline": "2099-01-01", "reason": "Lý do"})
    assert task.extensions.count() == 1
    client.post(f"/steering/tasks/{task.pk}/declare/", {"note": "Xong"})
    decl = task.declarations.get()
    admin = login(personas["admin"])
    assert admin.get("/steering/").content.decode().count(task.title) >= 2  # waiting for decisions
    admin.post(f"/steering/declarations/{decl.pk}/decide/", {"decision": "yes"})
    task.refresh_from_db()
    assert task.completed_on == timezone.localdate() and task.progress == 100
    html = admin.get(f"/steering/tasks/{task.pk}/").content.decode()
    assert "Đã xong phần lớn" in html
    html = admin.get(f"/steering/summary/?period={timezone.localdate().year}").content.decode()
    assert 'id="plan-rates"' in html and task.plan.title in html


def test_plan_timeline_is_server_rendered_svg(login, personas, spread):
    html = login(personas["leader"]).get(f"/steering/plans/{spread['soon'].plan_id}/").content.decode()
    assert '<svg id="timeline"' in html and html.count("<rect") >= 4 and "style=" not in html.split("<svg")[1]


def test_league_table_and_summary_exports(login, personas, spread):
    client = login(personas["leader"])
    year = timezone.localdate().year
    html = client.get(f"/steering/league/?period={year}").content.decode()
    assert "Phường Bắc Giang" in html and "Phường Kinh Bắc" in html
    # the period is chosen by its name, its key stays in the form's value
    assert f'<option value="{year}" selected>năm {year}</option>' in html and f"{year}-Q1<" not in html
    response = client.get(f"/steering/summary/?period={year}&format=docx")
    assert response["Content-Disposition"].endswith(f'bao-cao-nhiem-vu-{year}.docx"')
    document = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "/BC-BCĐ",
                 "TRƯỞNG BAN", "Nơi nhận:", "Phường Bắc Giang", "Quá hạn A"):
        assert text in document, text
    response = client.get(f"/steering/summary/?period={year}&format=xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Tổng hợp", "Đơn vị", "Quá hạn"]
    assert wb["Quá hạn"].cell(row=2, column=2).value == "Quá hạn A"
    assert wb["Tổng hợp"].cell(row=2, column=1).value == "Nhiệm vụ đến hạn"


def test_api_filters(login, personas, spread):
    client = login(personas["admin"])
    data = client.get("/api/v1/steering/tasks/").json()
    assert [t["status"] for t in data["results"]][:2] == ["overdue", "due_soon"]
    assert {t["title"] for t in client.get("/api/v1/steering/tasks/?status=overdue").json()["results"]} == \
        {"Quá hạn A"}
    assert {t["title"] for t in client.get("/api/v1/steering/tasks/?unit=09187").json()["results"]} == \
        {"Còn hạn B", "Xong B"}
    today = timezone.localdate()
    before = client.get(f"/api/v1/steering/tasks/?due_before={today.isoformat()}").json()["results"]
    assert {t["title"] for t in before} == {"Quá hạn A", "Xong B"}
    after = client.get(f"/api/v1/steering/tasks/?due_after={today.isoformat()}&plan={spread['soon'].plan_id}").json()
    assert {t["title"] for t in after["results"]} == {"Sắp đến hạn A", "Còn hạn B"}


def test_api_actions(login, personas, spread):
    task = spread["soon"]
    client = login(personas["officer_a"])
    r = client.post(f"/api/v1/steering/tasks/{task.pk}/progress/", {"percent": 30, "text": "API"},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["unit"] == "07210"
    r = client.post(f"/api/v1/steering/tasks/{task.pk}/progress/", {"percent": 300, "text": "API"},
                    content_type="application/json")
    assert r.status_code == 400
    r = client.post(f"/api/v1/steering/tasks/{task.pk}/extension/", {"requested_deadline": "2099-01-01",
                                                                       "reason": "r"}, content_type="application/json")
    ext = r.json()["id"]
    assert client.post(f"/api/v1/steering/extensions/{ext}/decide/", {"approve": True},
                       content_type="application/json").status_code == 404
    admin = login(personas["admin"])
    r = admin.post(f"/api/v1/steering/extensions/{ext}/decide/", {"approve": True}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    task.refresh_from_db()
    assert task.deadline == D(2099, 1, 1)
    client = login(personas["officer_a"])
    r = client.post(f"/api/v1/steering/tasks/{task.pk}/declare/", {}, content_type="application/json")
    decl = r.json()["id"]
    admin = login(personas["admin"])
    r = admin.post(f"/api/v1/steering/declarations/{decl}/decide/", {"approve": False, "note": "Thiếu"},
                   content_type="application/json")
    assert r.json()["status"] == "returned"


def test_api_schema_lists_the_steering_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/steering/tasks/" in schema and "due_before" in schema


def test_completion_rate_for_the_index(spread, tree):
    from dxboard.steering.rates import completion_rate

    today = timezone.localdate()
    assert completion_rate(tree["A"], today - datetime.timedelta(days=365), today) == 0.0
    assert completion_rate(tree["B"], today - datetime.timedelta(days=365), today) == 1.0


def test_actions_module_exposes_the_month_helper():
    assert actions.month_bounds(2025, 2) == (D(2025, 2, 1), D(2025, 2, 28))


def test_the_standing_office_adds_tasks_to_a_plan(login, personas, plan, tree):
    assert login(personas["officer_a"]).get(f"/steering/plans/{plan.pk}/tasks/new/").status_code == 404
    assert login(personas["leader"]).get(f"/steering/plans/{plan.pk}/tasks/new/").status_code == 404
    client = login(personas["admin"])
    assert "lead_unit" in client.get(f"/steering/plans/{plan.pk}/tasks/new/").content.decode()
    r = client.post(f"/steering/plans/{plan.pk}/tasks/new/", {
        "code": "NV99", "title": "Một nhiệm vụ", "pillar": "economy", "lead_unit": tree["A"].pk,
        "coordinating_units": [tree["D"].pk], "deadline": "2025-02-01", "priority": "high"})
    task = Task.objects.get(code="NV99")
    assert r["Location"] == f"/steering/tasks/{task.pk}/"
    assert task.effective_deadline == D(2025, 2, 3) and list(task.coordinating_units.all()) == [tree["D"]]
    client.post(f"/steering/plans/{plan.pk}/tasks/new/", {
        "code": "BC", "title": "Báo cáo quý", "pillar": "foundation", "lead_unit": tree["B"].pk,
        "start_date": "2025-01-01", "deadline": "2025-12-31", "priority": "normal", "frequency": "quarterly",
        "working_day": "-1"})
    template = Task.objects.get(code="BC")
    assert [o.deadline for o in template.occurrences.order_by("deadline")] == [
        D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 30), D(2025, 12, 31)]
