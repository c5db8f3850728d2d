"""A commune officer reports progress on a task in a real browser, with an attachment; the standing
office sees it. No console errors, no CSP violations, nothing from another host."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def task(tree, personas):
    from dxboard.steering import actions
    from dxboard.workdays.loader import load_holidays

    load_holidays()
    plan = actions.create_plan(acting_user=None, unit=tree["P"], title="Kế hoạch CĐS năm 2026", year=2026,
                               start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    return actions.create_task(acting_user=None, plan=plan, title="Triển khai tổ công nghệ số cộng đồng",
                               lead_unit=tree["A"], deadline=timezone.localdate() + datetime.timedelta(days=3),
                               code="NV09")


def test_a_commune_officer_reports_progress(open_page, live_server, task, tmp_path):
    w = open_page(viewport={"width": 390, "height": 844})
    page = w.page
    page.goto(live_server.url + "/accounts/login/?next=/steering/")
    page.get_by_label("Tên đăng nhập").fill("officer_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/steering/")
    assert "Sắp đến hạn" in page.locator("#due").inner_text()
    w.shot("steering-my-tasks")
    page.get_by_role("link", name="NV09 · Triển khai tổ công nghệ số cộng đồng").first.click()
    page.wait_for_url(f"**/steering/tasks/{task.pk}/")
    pdf = tmp_path / "bao-cao-tien-do.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% report\n")
    page.get_by_label("Tiến độ (%)").fill("60")
    page.get_by_label("Báo cáo tiến độ").fill("Đã thành lập tổ tại 8/12 thôn, khu phố.")
    page.get_by_label("Tệp đính kèm (PDF, Word, Excel, ảnh)").set_input_files(str(pdf))
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url(f"**/steering/tasks/{task.pk}/")
    assert "Đã gửi báo cáo tiến độ." in page.locator(".messages").inner_text()
    assert page.locator("#task-progress").inner_text() == "60%"
    reports = page.locator("#reports").inner_text()
    assert "Đã thành lập tổ tại 8/12 thôn" in reports and "bao-cao-tien-do.pdf" in reports
    w.shot("steering-progress-reported")
    # a file that is not what its name says is refused with a message, and nothing is saved
    page.get_by_label("Tiến độ (%)").fill("100")
    page.get_by_label("Báo cáo tiến độ").fill("x")
    before = task.reports.count()
    (tmp_path / "fake.pdf").write_bytes(b"MZ not a pdf")
    page.get_by_label("Tệp đính kèm (PDF, Word, Excel, ảnh)").set_input_files(str(tmp_path / "fake.pdf"))
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url(f"**/steering/tasks/{task.pk}/")
    assert "msg-error" in page.locator(".messages li").first.get_attribute("class")
    assert "Không chấp nhận loại tệp này" in page.locator(".messages").inner_text()
    assert task.reports.count() == before
    assert page.locator("#task-progress").inner_text() == "60%"
    w.assert_clean()


def test_a_leader_reads_the_timeline_league_table_and_summary(open_page, live_server, task, personas, tree):
    from dxboard.steering import actions

    overdue = actions.create_task(acting_user=None, plan=task.plan, title="Nhiệm vụ quá hạn", lead_unit=tree["B"],
                                  deadline=timezone.localdate() - datetime.timedelta(days=10), code="NV10")
    assert overdue.pk
    w = open_page()
    page = w.page
    page.goto(live_server.url + "/accounts/login/?next=/steering/plans/")
    page.get_by_label("Tên đăng nhập").fill("leader")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/steering/plans/")
    page.get_by_role("link", name="Kế hoạch CĐS năm 2026").click()
    assert page.locator("#timeline rect").count() == 2
    w.shot("steering-plan-timeline")
    page.get_by_role("link", name="Bảng xếp hạng").click()
    assert "Phường Kinh Bắc" in page.locator("#league").inner_text()
    page.get_by_role("link", name="Tổng hợp").click()
    assert "Nhiệm vụ quá hạn" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo (DOCX)").click()
    assert download.value.suggested_filename.endswith(".docx")
    w.shot("steering-summary")
    w.assert_clean()


def test_the_standing_office_corrects_and_deletes_a_task(open_page, live_server, task, personas, tree):
    """The office fixes a mistyped deadline and lead unit on the task's page, then removes a task entered
    twice, after a confirmation page."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dxboard.steering import actions
    from dxboard.steering.models import Task

    twice = actions.create_task(acting_user=None, plan=task.plan, title="Nhiệm vụ nhập trùng", lead_unit=tree["A"],
                                deadline=datetime.date(2026, 9, 30), code="NV09b")
    device = TOTPDevice.objects.create(user=personas["admin"], name="phone", confirmed=True)
    w = open_page()
    page = w.page
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/2fa/verify/**")
    page.locator("input[name=token]").fill(f"{totp(device.bin_key):06d}")
    page.locator("form.panel button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + f"/steering/tasks/{task.pk}/")
    page.get_by_role("link", name="Sửa nhiệm vụ").click()
    page.wait_for_url(f"**/steering/tasks/{task.pk}/edit/")
    page.locator("#id_deadline").fill("2026-10-31")  # a Saturday
    page.locator("#id_lead_unit").select_option(str(tree["B"].pk))
    w.shot("steering-task-correct")
    page.get_by_role("button", name="Lưu nội dung sửa").click()
    page.wait_for_url(f"**/steering/tasks/{task.pk}/")
    assert "Đã sửa nhiệm vụ." in page.locator(".messages").inner_text()
    text = page.locator("main").inner_text()
    assert "31/10/2026" in text and "02/11/2026" in text and "Phường Kinh Bắc" in text
    page.goto(live_server.url + f"/steering/tasks/{twice.pk}/")
    page.get_by_role("link", name="Xóa nhiệm vụ").click()
    page.wait_for_url(f"**/steering/tasks/{twice.pk}/delete/")
    assert "Nhiệm vụ nhập trùng" in page.locator("main").inner_text()
    w.shot("steering-task-delete")
    page.get_by_role("button", name="Xóa").click()
    page.wait_for_url(f"**/steering/plans/{task.plan_id}/")
    assert "Đã xóa nhiệm vụ." in page.locator(".messages").inner_text()
    assert not Task.objects.filter(pk=twice.pk).exists()
    w.assert_clean()
