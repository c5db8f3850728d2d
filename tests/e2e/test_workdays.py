"""The standing office keeps the working-day calendar in a real browser: from its home page to the year's
list, switching the year, adding a day off, deleting it after confirmation. Every page checked (no
console error or CSP violation, every link answers), screenshots office-calendar-<step>.png."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.dxboard.steering.conftest import holidays, make_task, plan  # noqa: F401 — fixtures
from tests.e2e.test_journeys import admin_device, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_adds_and_deletes_a_day_off(journey, personas, make_task):  # noqa: F811
    from dxboard.steering.models import Task
    from dxboard.workdays.models import Holiday

    task = make_task(deadline=datetime.date(2025, 6, 30))
    j = journey("office-calendar")
    page = j.page
    log_in(j, "admin", admin_device(personas))
    page.locator("#admin-panel").get_by_role("link", name="Lịch ngày làm việc").click()
    page.wait_for_url("**/workdays/")
    j.step("list")
    page.locator("#workdays-year select[name=year]").select_option("2025")
    page.wait_for_url("**/workdays/?year=2025")
    expect(page.locator("#day-2025-04-26")).to_contain_text("Thứ 7")
    expect(page.locator("#day-2025-04-26")).to_contain_text("Ngày làm bù")
    j.step("list-2025")
    page.get_by_role("link", name="Thêm ngày").click()
    page.wait_for_url("**/workdays/new/?year=2025")
    page.locator("#workdays-day input[name=date]").fill("2025-06-30")
    page.locator("#workdays-day input[name=name]").fill("Nghỉ đột xuất")
    j.step("new")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/workdays/?year=2025")
    expect(page.locator("#day-2025-06-30")).to_contain_text("Thứ 2")
    assert Task.objects.get(pk=task.pk).effective_deadline == datetime.date(2025, 7, 1)
    j.step("added")
    page.locator("#day-2025-06-30").get_by_role("link", name="Xóa").click()
    page.wait_for_url("**/workdays/*/delete/")
    j.step("confirm-delete")
    page.get_by_role("button", name="Xóa ngày này").click()
    page.wait_for_url("**/workdays/?year=2025")
    expect(page.locator("#day-2025-06-30")).to_have_count(0)
    assert not Holiday.objects.filter(date=datetime.date(2025, 6, 30)).exists()
    assert Task.objects.get(pk=task.pk).effective_deadline == datetime.date(2025, 6, 30)
    j.step("deleted")
    j.finish()
