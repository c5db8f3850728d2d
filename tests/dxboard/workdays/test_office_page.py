"""The standing office keeps the working-day calendar from the browser: add, edit, delete a day per
year; every change audited; the deadlines derived from the calendar move; nobody else may see or change
it; bad input is refused with a bilingual message naming the field, and nothing changes."""

import datetime
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from dxboard.audit.models import AuditEntry
from dxboard.steering.models import Task
from dxboard.workdays import actions
from dxboard.workdays import calendar as cal
from dxboard.workdays.models import Holiday

D = datetime.date


def effective(task) -> datetime.date:
    return Task.objects.get(pk=task.pk).effective_deadline


def calendar_rows():
    return sorted(Holiday.objects.values_list("date", "name", "name_en", "kind", "source", "provisional"))


def test_a_weekday_holiday_added_on_the_page_moves_the_deadlines_due_on_or_before_it(login, personas, make_task):
    monday = make_task(deadline=D(2025, 6, 30))  # an ordinary Monday
    saturday = make_task(deadline=D(2025, 6, 28))  # a Saturday: due the Monday after
    tuesday = make_task(deadline=D(2025, 7, 1))
    assert (effective(monday), effective(saturday)) == (D(2025, 6, 30), D(2025, 6, 30))
    client = login(personas["admin"])
    response = client.post("/workdays/new/", {"date": "2025-06-30", "name": "Nghỉ bù đột xuất",
                                              "name_en": "Exceptional day off", "kind": "holiday",
                                              "source": "Quyết định 12/QĐ-UBND ngày 20/6/2025"})
    assert response.status_code == 302 and response["Location"] == "/workdays/?year=2025"
    day = Holiday.objects.get(date=D(2025, 6, 30))
    assert (day.name, day.name_en, day.kind, day.provisional) == ("Nghỉ bù đột xuất", "Exceptional day off",
                                                                   "holiday", False)
    assert not cal.is_working_day(D(2025, 6, 30))
    assert (effective(monday), effective(saturday), effective(tuesday)) == (D(2025, 7, 1), D(2025, 7, 1), D(2025, 7, 1))
    entry = AuditEntry.objects.get(action="workdays.day.save")
    assert entry.actor == personas["admin"] and entry.before is None
    assert entry.after["date"] == "2025-06-30" and entry.after["name"] == "Nghỉ bù đột xuất"
    page = client.get("/workdays/?year=2025").content.decode()
    assert "Nghỉ bù đột xuất" in page and "Quyết định 12/QĐ-UBND" in page
    assert "Exceptional day off" not in page  # a Vietnamese page names the day in Vietnamese only
    client.cookies["django_language"] = "en"
    page = client.get("/workdays/?year=2025").content.decode()
    assert "Exceptional day off" in page and "Nghỉ bù đột xuất" not in page


def test_editing_a_make_up_saturday_into_a_day_off_moves_the_deadline_and_keeps_the_date(login, personas,
                                                                                       make_task):
    task = make_task(deadline=D(2025, 4, 26))  # the Saturday worked to make up for Friday 2 May
    assert effective(task) == D(2025, 4, 26)
    day = Holiday.objects.get(date=D(2025, 4, 26))
    client = login(personas["admin"])
    form = client.get(f"/workdays/{day.pk}/edit/").content.decode()
    assert "Làm bù cho ngày 02/5/2025" in form
    response = client.post(f"/workdays/{day.pk}/edit/", {
        "date": "2025-05-10",  # the date field is not editable: ignored
        "name": "Nghỉ (không làm bù)", "name_en": "Day off", "kind": "holiday", "source": "Công văn 5/2025",
        "provisional": "on"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.date, day.name, day.kind, day.provisional) == (D(2025, 4, 26), "Nghỉ (không làm bù)", "holiday", True)
    assert not Holiday.objects.filter(date=D(2025, 5, 10)).exists()
    assert effective(task) == D(2025, 4, 28)
    entry = AuditEntry.objects.get(action="workdays.day.save", object_id=str(day.pk))
    assert entry.before["kind"] == "makeup_workday" and entry.after["kind"] == "holiday"
    assert entry.before["provisional"] is False and entry.after["provisional"] is True


def test_deleting_a_day_off_after_confirmation_gives_the_working_day_back(login, personas, make_task):
    task = make_task(deadline=D(2025, 5, 1))  # 1 and 2 May off, then the weekend: due Monday 5 May
    assert effective(task) == D(2025, 5, 5)
    day = Holiday.objects.get(date=D(2025, 5, 2))
    client = login(personas["admin"])
    confirm = client.get(f"/workdays/{day.pk}/delete/")
    assert confirm.status_code == 200 and "Nghỉ hoán đổi" in confirm.content.decode()
    assert Holiday.objects.filter(pk=day.pk).exists()  # the GET only asks
    response = client.post(f"/workdays/{day.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/workdays/?year=2025"
    assert not Holiday.objects.filter(date=D(2025, 5, 2)).exists()
    assert cal.is_working_day(D(2025, 5, 2))
    assert effective(task) == D(2025, 5, 2)
    entry = AuditEntry.objects.get(action="workdays.day.delete")
    assert entry.object_id == str(day.pk) and entry.before["date"] == "2025-05-02" and entry.after is None


def test_a_deadline_rolled_over_into_the_next_year_moves_with_that_year(personas, make_task):
    """Due Wednesday 31/12/2025, made a day off: the task falls due on 2 January 2026; a day off on 2 January
    2026 (a change to 2026 only) must move it again, though its deadline is in 2025."""
    task = make_task(deadline=D(2025, 12, 31))
    actions.save_day(acting_user=personas["admin"], date=D(2025, 12, 31), name="Nghỉ cuối năm")
    assert effective(task) == D(2026, 1, 2)  # 1 January is New Year's Day
    actions.save_day(acting_user=personas["admin"], date="02/01/2026", name="Nghỉ sau Tết Dương lịch")
    assert effective(task) == D(2026, 1, 5)
    actions.delete_day(acting_user=personas["admin"], holiday=Holiday.objects.get(date=D(2026, 1, 2)))
    assert effective(task) == D(2026, 1, 2)


def test_a_holiday_on_a_weekend_is_allowed_and_a_make_up_sunday_too(personas, holidays):
    admin = personas["admin"]
    actions.save_day(acting_user=admin, date=D(2025, 6, 29), name="Ngày lễ rơi vào Chủ nhật")
    actions.save_day(acting_user=admin, date=D(2025, 7, 6), name="Làm bù Chủ nhật", kind="makeup_workday")
    assert Holiday.objects.get(date=D(2025, 6, 29)).kind == "holiday"
    assert cal.is_working_day(D(2025, 7, 6)) and not cal.is_working_day(D(2025, 6, 29))


def test_saving_a_date_already_held_updates_it_but_the_add_form_refuses_it(login, personas, holidays):
    n = Holiday.objects.count()
    actions.save_day(acting_user=personas["admin"], date=D(2025, 1, 1), name="Tết Dương lịch 2025",
                     source="BLLĐ 2019")
    assert Holiday.objects.count() == n and Holiday.objects.get(date=D(2025, 1, 1)).name == "Tết Dương lịch 2025"
    saved = AuditEntry.objects.filter(action="workdays.day.save").count()
    actions.save_day(acting_user=personas["admin"], date=D(2025, 1, 1), name="Tết Dương lịch 2025",
                     source="BLLĐ 2019")
    assert AuditEntry.objects.filter(action="workdays.day.save").count() == saved  # nothing changed: no row
    before = calendar_rows()
    response = login(personas["admin"]).post("/workdays/new/", {"date": "01/01/2025", "name": "Trùng",
                                                                 "kind": "holiday"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "ngày 01/01/2025 đã có trong lịch" in body and "is already in the calendar" not in body
    assert calendar_rows() == before


BAD = [
    ({"date": "2025-06-30", "name": "Làm bù", "kind": "makeup_workday"}, "date",
     "“ngày”: ngày làm bù phải là thứ Bảy hoặc Chủ nhật; 30/06/2025 là ngày trong tuần.",
     "“date”: a make-up working day must be a Saturday or a Sunday; 30/06/2025 is a weekday."),
    ({"date": "2025-06-30", "name": "  ", "kind": "holiday"}, "name", "“Tên” là bắt buộc.", "“name” is required."),
    ({"date": "31/02/2025", "name": "Ngày không có", "kind": "holiday"}, "date",
     "“ngày”: “31/02/2025” không phải là ngày (dd/mm/yyyy).", "“date”: “31/02/2025” is not a date (dd/mm/yyyy)."),
    ({"date": "", "name": "Không ngày", "kind": "holiday"}, "date", "“ngày”: “” không phải là ngày",
     "“date”: “” is not a date"),
    ({"date": "2025-06-30", "name": "Lạ", "kind": "bank_holiday"}, "kind",
     "“loại”: “bank_holiday” không phải là loại ngày hợp lệ.", "“kind”: “bank_holiday” is not a kind of day."),
]


@pytest.mark.parametrize("data, field, vi, en", BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_bad_input_is_refused_naming_the_field_in_the_readers_language_and_nothing_changes(
        login, personas, holidays, data, field, vi, en):
    before = calendar_rows()
    response = login(personas["admin"]).post("/workdays/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body and vi in body and en not in body
    with pytest.raises(actions.InvalidDay) as refused:
        actions.save_day(acting_user=personas["admin"], **data)
    with translation.override("vi"):
        assert str(refused.value.errors[field]) == str(refused.value) and vi in str(refused.value)
    with translation.override("en"):
        assert en in str(refused.value.errors[field])
    assert calendar_rows() == before
    assert not AuditEntry.objects.filter(action__startswith="workdays.day.").exists()


def test_editing_a_day_with_bad_input_changes_nothing(login, personas, holidays):
    day = Holiday.objects.get(date=D(2025, 9, 2))  # a Tuesday
    before = calendar_rows()
    response = login(personas["admin"]).post(f"/workdays/{day.pk}/edit/", {"name": "Quốc khánh",
                                                                           "kind": "makeup_workday"})
    assert response.status_code == 200 and "phải là thứ Bảy hoặc Chủ nhật" in response.content.decode()
    assert calendar_rows() == before and not AuditEntry.objects.filter(action__startswith="workdays.day.").exists()


@pytest.mark.parametrize("persona", ["officer_a", "dept_officer", "reviewer", "leader"])
def test_nobody_but_the_standing_office_sees_or_changes_the_calendar(login, personas, holidays, persona):
    day = Holiday.objects.get(date=D(2025, 5, 2))
    before = calendar_rows()
    client = login(personas[persona])
    for url in ("/workdays/", "/workdays/?year=2025", "/workdays/new/", f"/workdays/{day.pk}/edit/",
                f"/workdays/{day.pk}/delete/", "/workdays/2025.xlsx"):
        assert client.get(url).status_code == 404, url
    assert client.post("/workdays/new/", {"date": "2025-06-30", "name": "x", "kind": "holiday"}).status_code == 404
    assert client.post(f"/workdays/{day.pk}/edit/", {"name": "x", "kind": "holiday"}).status_code == 404
    assert client.post(f"/workdays/{day.pk}/delete/").status_code == 404
    assert 'href="/workdays/"' not in client.get("/").content.decode()
    with pytest.raises(actions.NotAllowed) as refused:
        actions.save_day(acting_user=personas[persona], date=D(2025, 6, 30), name="x")
    with translation.override("vi"):
        assert str(refused.value) == "Chỉ Văn phòng thường trực được thay đổi lịch ngày làm việc."
    with translation.override("en"):
        assert str(refused.value) == "Only the standing office may change the working-day calendar."
    with pytest.raises(actions.NotAllowed):
        actions.delete_day(acting_user=personas[persona], holiday=day)
    assert calendar_rows() == before
    assert not AuditEntry.objects.filter(action__startswith="workdays.day.").exists()


def test_a_visitor_is_sent_to_log_in(login, personas, holidays):
    client = login(None)
    day = Holiday.objects.first()
    for url in ("/workdays/", "/workdays/new/", f"/workdays/{day.pk}/delete/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    client.post(f"/workdays/{day.pk}/delete/")
    assert Holiday.objects.filter(pk=day.pk).exists()
    with pytest.raises(actions.NotAllowed):
        actions.save_day(acting_user=None, date=D(2025, 6, 30), name="x")


def test_the_year_page_lists_days_with_weekday_kind_provisional_mark_and_source(login, personas, holidays):
    client = login(personas["admin"])
    page = client.get("/workdays/?year=2025").content.decode()
    row = page[page.index('id="day-2025-04-26"'):]
    row = row[:row.index("</tr>")]
    assert "26/04/2025" in row and "Thứ 7" in row and "Ngày làm bù" in row and "Bộ luật Lao động 2019" in row
    assert "tạm tính" not in row
    assert "Tết Nguyên đán Ất Tỵ (mùng 1)" in page and "2026-02-17" not in page
    page_2026 = client.get("/workdays/?year=2026").content.decode()
    row = page_2026[page_2026.index('id="day-2026-02-17"'):]
    row = row[:row.index("</tr>")]
    assert "Thứ 3" in row and "tạm tính" in row and "Ngày nghỉ" in row
    assert 'id="day-2025-' not in page_2026
    this_year = timezone.localdate().year
    default = client.get("/workdays/").content.decode()
    assert f'<option value="{this_year}" selected>' in default
    assert 'href="/workdays/"' in client.get("/").content.decode()  # the office's home page links it


def test_the_year_as_a_workbook(login, personas, holidays):
    response = login(personas["admin"]).get("/workdays/2025.xlsx")
    assert response.status_code == 200
    assert 'filename="lich-ngay-lam-viec-2025.xlsx"' in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
    assert len(rows) == Holiday.objects.filter(date__year=2025).count()
    saturday = next(r for r in rows if r[0].date() == D(2025, 4, 26))
    assert saturday[1:3] == ("Thứ 7", "Làm bù cho ngày 02/5/2025") and saturday[4] == "Ngày làm bù"
    assert all(r[0].year == 2025 for r in rows)
