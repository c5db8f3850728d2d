import pytest
from django_otp.oath import totp

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_on_a_phone_browses_the_organisation(open_page, live_server, tree):
    w = open_page(viewport={"width": 390, "height": 844})
    page = w.page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Chuyển đổi số Tỉnh Bắc Ninh" in page.locator("h1").inner_text()
    w.shot("phone-home")
    page.get_by_role("link", name="Tổ chức").click()
    page.get_by_placeholder("ví dụ: bac ninh").fill("kinh bac")
    # htmx replaces the list in place: the page is not reloaded
    page.locator("#unit-list table").wait_for()
    assert "Phường Kinh Bắc" in page.locator("#unit-list").inner_text()
    assert "Phường Bắc Giang" not in page.locator("#unit-list").inner_text()
    assert "q=kinh" in page.url
    w.shot("phone-search")
    page.goto(live_server.url + "/units/07210/")
    history = page.locator("#history").inner_text()
    assert "Phường Thọ Xương" in history and "01/07/2025" in history
    page.get_by_role("link", name="Phường Thọ Xương").click()
    assert "Phường Bắc Giang" in page.locator("#history").inner_text()
    w.shot("phone-unit-history")
    w.assert_clean()


def test_switching_to_english(open_page, live_server, tree):
    w = open_page()
    w.page.goto(live_server.url + "/")
    with w.page.expect_navigation():
        w.page.select_option("#language", "en")
    assert w.page.locator("html").get_attribute("lang") == "en"
    assert "Digital transformation of Tỉnh Bắc Ninh" in w.page.locator("h1").inner_text()
    w.assert_clean()


def test_admin_logs_in_and_must_enrol_two_factor(open_page, live_server, personas):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    w = open_page()
    page = w.page
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/accounts/2fa/setup/")
    assert page.locator(".qr svg").count() == 1
    w.shot("admin-2fa-setup")
    device = TOTPDevice.objects.get(user=personas["admin"], confirmed=False)
    page.get_by_label("Mã 6 chữ số").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Bật").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("#admin-panel").is_visible()
    page.get_by_role("link", name="Nhật ký thay đổi").first.click()
    log = page.locator("table#audit").inner_text()
    assert "Đã bật xác thực hai yếu tố" in log and "accounts.enable_2fa" not in log  # the action in words
    w.shot("admin-audit")
    w.assert_clean()
