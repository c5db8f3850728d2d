"""A review of an IT system in a real browser: the standing office scores a duplicate from the merged
province, completes the review with a merge verdict, and the owner's officer reads it; the portfolio,
the integration graph (an SVG through <img>) and the duplicate list load without CSP errors."""

import datetime

import pytest
from django_otp.oath import totp

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(w, base, username, device=None):
    page = w.page
    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    if device is not None:
        page.wait_for_url("**/accounts/2fa/verify/**")
        page.locator("input[name=token]").fill(f"{totp(device.bin_key):06d}")
        page.locator("form.panel button[type=submit]").click()
    page.wait_for_load_state()


def test_standing_office_reviews_a_duplicate_system(open_page, live_server, tree, personas):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dxboard.itprojects import actions
    from dxboard.itprojects.models import Review, System

    admin = personas["admin"]
    bg = System.objects.create(code="vb-bg", name="Phần mềm quản lý văn bản Bắc Giang", owner=tree["A"],
                               domain="documents", function="document-management", stage="operating",
                               origin=tree["old_province"], monthly_active_users=120, target_users=400,
                               monthly_transactions=2000, yearly_cost=48)
    bn = System.objects.create(code="vb-tinh", name="Hệ thống quản lý văn bản và điều hành", owner=tree["B"],
                               domain="documents", function="document-management", stage="operating", lgsp=True)
    actions.add_link(acting_user=admin, source=bn, target=None, target_name="Trục liên thông văn bản quốc gia",
                     dataset="Văn bản điện tử", channel="ndxp")
    actions.open_review_campaign(acting_user=admin, year=2026, name="Rà soát hệ thống 2026",
                                 deadline=datetime.date(2026, 12, 15))
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)

    w = open_page()
    page = w.page
    _log_in(w, live_server.url, "admin", device)
    page.goto(live_server.url + "/itprojects/reviews/")
    page.get_by_role("link", name="Rà soát hệ thống 2026").click()
    page.locator("#review-list").get_by_role("link", name=bg.name).click()
    assert bn.name in page.locator("#facts").inner_text()  # the duplicate is shown to the reviewer
    w.shot("itprojects-review-form")
    for field, value in {"score_integration": "1", "score_security": "2", "score_usage": "3", "score_cost": "2",
                         "score_quality": "3", "score_duplication": "0"}.items():
        page.locator(f"input[name={field}]").fill(value)
    page.locator("textarea[name=findings]").fill("Trùng chức năng với hệ thống của tỉnh sau sáp nhập.")
    page.locator("select[name=verdict]").select_option("merge")
    page.locator("select[name=merge_with]").select_option(str(bn.pk))
    page.locator("textarea[name=follow_up]").fill("Hợp nhất dữ liệu vào hệ thống của tỉnh.")
    page.locator("input[name=follow_up_deadline]").fill("2027-03-31")
    page.locator('button[name=complete][value="1"]').click()
    page.wait_for_load_state()
    review = Review.objects.get(system=bg)
    assert review.status == Review.Status.DONE and review.verdict == "merge" and review.merge_with_id == bn.pk
    assert page.locator("#verdict").is_visible() and bn.name in page.locator("#verdict").inner_text()
    assert page.locator("#follow-up").is_visible()
    w.shot("itprojects-review-done")

    page.goto(live_server.url + "/itprojects/portfolio/")
    graph = page.locator("img.graph")
    graph.wait_for()
    assert page.evaluate("document.querySelector('img.graph').complete && "
                         "document.querySelector('img.graph').naturalWidth > 0")
    overdue = page.locator("#overdue + ul").inner_text()
    assert bn.name in overdue and bg.name not in overdue
    w.shot("itprojects-portfolio")
    page.goto(live_server.url + "/itprojects/duplicates/")
    assert bg.name in page.locator("#duplicate-list").inner_text()
    w.assert_clean()

    # the owner unit's officer reads the verdict; the other commune's officer gets a 404
    officer = open_page(viewport={"width": 390, "height": 844})
    _log_in(officer, live_server.url, "officer_a")
    officer.page.goto(f"{live_server.url}/itprojects/review/{review.pk}/")
    assert bn.name in officer.page.locator("#verdict").inner_text()
    w.shot("itprojects-review-officer")
    other = open_page()
    _log_in(other, live_server.url, "officer_b")
    response = other.page.goto(f"{live_server.url}/itprojects/review/{review.pk}/")
    assert response.status == 404
    officer.assert_clean()
