"""Operating figures in a real browser: the standing office walks overview → metric page → unit page
(and downloads the overview as XLSX); a commune officer enters a figure for their unit. Screenshots;
no console errors, no CSP violations, nothing from another host."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def figures(tree, personas):
    from dxboard.kpi import actions
    from dxboard.kpi.models import Metric, Target

    metric = Metric.objects.create(code="T_SIGN", name="Tỷ lệ văn bản đi được ký số (thử)", numerator_label="Ký số",
                                   denominator_label="Văn bản đi", frequency="weekly", unit_kinds=["commune"])
    Target.objects.create(metric=metric, year=2026, value=0.8)
    rows = [(tree["A"], "2026-W02", 9, 10), (tree["B"], "2026-W02", 50, 100), (tree["A"], "2026-W03", 10, 10),
            (tree["B"], "2026-W03", 40, 100)]
    actions.store_observations(acting_user=None, source="vbdh", rows=[
        {"metric": metric.code, "unit": u.code, "period": p, "numerator": n, "denominator": d} for u, p, n, d in rows])
    return metric


def _login(page, url, username, device=None):
    """Sign in (the standing office with its second factor) and open the KPI overview."""
    from django_otp.oath import totp

    page.goto(url + "/accounts/login/?next=/kpi/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if device is not None:
        page.wait_for_url("**/accounts/2fa/verify/**")
        page.locator("input[name=token]").fill(f"{totp(device.bin_key):06d}")
        page.locator("form.panel button[type=submit]").click()
        page.wait_for_load_state()
        page.goto(url + "/kpi/")
    page.wait_for_url("**/kpi/")


def test_the_office_walks_overview_metric_and_unit(open_page, live_server, figures, tree, personas):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=personas["admin"], name="phone", confirmed=True)
    w = open_page()
    page = w.page
    _login(page, live_server.url, "admin", device)
    row = page.locator("#kpi-overview tr", has_text="Tỷ lệ văn bản đi được ký số (thử)")
    assert "45,5 %" in row.inner_text()  # 50/110 in week 3: the rate of sums, not the mean of 100 % and 40 %
    assert "Phường Kinh Bắc" in row.inner_text()  # off track
    assert row.locator("svg.spark").count() == 1
    w.shot("kpi-overview")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    wb = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    assert any(r[0] == "T_SIGN" and (r[3], r[4]) == (50, 110) for r in wb.active.iter_rows(values_only=True))
    row.get_by_role("link", name="Tỷ lệ văn bản đi được ký số (thử)").click()
    page.wait_for_url(f"**/kpi/metrics/{figures.code}/")
    series = page.locator("#kpi-series").inner_text()
    assert "tuần 2/2026" in series and "53,6 %" in series and "45,5 %" in series
    ranked = page.locator("#kpi-ranked tbody tr")
    assert ranked.count() == 2 and "Phường Bắc Giang" in ranked.first.inner_text()
    w.shot("kpi-metric")
    ranked.first.get_by_role("link", name="Phường Bắc Giang").click()
    page.wait_for_url(f"**/kpi/units/{tree['A'].code}/")
    unit_row = page.locator("#kpi-unit tr", has_text="Tỷ lệ văn bản đi được ký số (thử)")
    assert "tuần 3/2026" in unit_row.inner_text() and "100,0 %" in unit_row.inner_text()
    w.shot("kpi-unit")
    w.assert_clean()


def test_an_officer_enters_a_figure_for_their_unit(open_page, live_server, figures, tree):
    from django.utils import timezone
    from playwright.sync_api import expect

    from dxboard.kpi.models import Observation

    # the picker offers recent periods in words: this week and the one before, spelled out by hand
    year, week, _day = timezone.localdate().isocalendar()
    last_year, last_week, _day = (timezone.localdate() - datetime.timedelta(days=7)).isocalendar()
    this_key, last_key = f"{year}-W{week:02d}", f"{last_year}-W{last_week:02d}"

    w = open_page(viewport={"width": 390, "height": 844})
    page = w.page
    _login(page, live_server.url, "officer_a")
    page.goto(live_server.url + f"/kpi/units/{tree['A'].code}/")
    page.get_by_role("link", name="Nhập số liệu").first.click()
    page.wait_for_url("**/kpi/entry/**")
    units = page.get_by_label("Đơn vị").locator("option").all_inner_texts()
    assert "Phường Kinh Bắc" not in " ".join(units)  # only their own unit
    page.get_by_label("Chỉ tiêu").select_option(label=figures.name)
    page.get_by_label("Đơn vị").select_option(label="Phường Bắc Giang")
    page.get_by_label("Kỳ").select_option(label=f"tuần {last_week}/{last_year}")
    page.get_by_label("Tử số").fill("7")
    page.get_by_label("Mẫu số").fill("10")
    w.shot("kpi-entry")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"**/kpi/units/{tree['A'].code}/")
    assert "Đã lưu: 1 mới" in page.locator(".messages").inner_text()
    unit_row = page.locator("#kpi-unit tr", has_text="Tỷ lệ văn bản đi được ký số (thử)")
    assert f"tuần {last_week}/{last_year}" in unit_row.inner_text() and "70,0 %" in unit_row.inner_text()
    saved = Observation.objects.get(metric=figures, unit=tree["A"], period=last_key)
    assert (saved.numerator, saved.denominator, saved.source, saved.entered_by.username) == (7, 10, "manual",
                                                                                             "officer_a")
    w.shot("kpi-entry-saved")
    # a wrong figure (numerator above the denominator) is refused with a message, nothing stored
    page.get_by_role("link", name="Nhập số liệu").first.click()
    page.wait_for_url("**/kpi/entry/**")
    page.get_by_label("Chỉ tiêu").select_option(label=figures.name)
    page.get_by_label("Đơn vị").select_option(label="Phường Bắc Giang")
    page.get_by_label("Kỳ").select_option(label=f"tuần {week}/{year}")
    page.get_by_label("Tử số").fill("12")
    page.get_by_label("Mẫu số").fill("10")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main .errorlist")).to_contain_text("Tử số không được lớn hơn mẫu số")
    assert not Observation.objects.filter(period=this_key).exists()
    w.assert_clean()
