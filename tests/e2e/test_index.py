"""The officer's and the reviewer's paths through a self-assessment, in a real browser."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from dxboard.index.models import Answer, Submission
from tests.conftest import PASSWORD
from tests.dxboard.index.conftest import campaign, small_framework, sub_a  # noqa: F401 — fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")


def autosave(page, answer_id, field, value):
    """Change a field and wait for HTMX to swap the answer back in with its new version."""
    box = page.locator(f"#answer-{answer_id}")
    version = box.locator("input[name=version]").get_attribute("value")
    control = box.locator(f"[name={field}]")
    if control.evaluate("e => e.tagName") == "SELECT":
        control.select_option(value)
    else:
        control.fill(value)
        control.dispatch_event("change")
    # a CSS wait, not wait_for_function: the page's CSP (rightly) forbids the eval that would need
    page.wait_for_selector(f"#answer-{answer_id} input[name=version]:not([value='{version}'])", state="attached")


def test_officer_fills_and_submits_then_reviewer_returns_and_accepts(open_page, live_server, personas, sub_a,  # noqa: F811
                                                                     tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    ids = {a.indicator.code: a.pk for a in sub_a.answers.select_related("indicator")}

    officer = open_page(viewport={"width": 412, "height": 915})  # a phone: officers fill forms anywhere
    page = officer.page
    log_in(page, base, "officer_a")
    page.get_by_role("link", name="Chỉ số").click()
    page.get_by_role("link", name="Phường Bắc Giang").click()
    autosave(page, ids["A1"], "value", "1")
    assert "10" in page.locator(f"#answer-{ids['A1']} .points").inner_text()
    autosave(page, ids["A2"], "numerator", "3")
    autosave(page, ids["A2"], "denominator", "4")
    autosave(page, ids["B1"], "choice", "pho_chu_tich")
    autosave(page, ids["B2"], "value", "6")
    officer.shot("index-officer-form-filled")
    # evidence for A1 (its rule asks for the plan document)
    buf = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 200)).save(buf, "JPEG")
    photo = tmp_path / "ke-hoach.jpg"
    photo.write_bytes(buf.getvalue())
    box = page.locator(f"#answer-{ids['A1']}")
    box.locator("summary").click()
    box.get_by_label("Trích yếu").fill("Kế hoạch chuyển đổi số năm 2025")
    box.get_by_label("Số văn bản").fill("12/KH-UBND")
    box.locator("input[type=file]").set_input_files(str(photo))
    box.get_by_role("button", name="Đính kèm").click()
    page.wait_for_load_state()
    assert "Kế hoạch chuyển đổi số năm 2025" in page.locator(f"#answer-{ids['A1']} .evidence-list").inner_text()
    page.get_by_text("Nộp để thẩm định…").click()  # sending asks first: the form locks once sent
    page.get_by_role("button", name="Đồng ý, gửi thẩm định").click()
    assert page.locator("#submission-status").inner_text() == "Đã nộp"
    officer.shot("index-officer-submitted")
    officer.assert_clean()

    reviewer = open_page()
    page = reviewer.page
    log_in(page, base, "reviewer")
    page.goto(f"{base}/index/submissions/{sub_a.pk}/")
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    box = page.locator(f"#answer-{ids['B2']}")
    box.locator("select[name=decision]").select_option("returned")
    box.locator("textarea[name=note]").fill("Cần danh sách tin bài kèm đường dẫn")
    box.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(f"#answer-{ids['B2']}")).to_contain_text("Cần danh sách")
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    assert page.locator("#submission-status").inner_text() == "Trả lại để bổ sung"
    reviewer.shot("index-reviewer-returned")

    page = officer.page
    page.reload()
    assert "Cần danh sách tin bài kèm đường dẫn" in page.locator(f"#answer-{ids['B2']}").inner_text()
    autosave(page, ids["B2"], "comment", "Đã bổ sung danh sách 6 tin bài")
    page.get_by_text("Nộp lại…").click()
    page.get_by_role("button", name="Đồng ý, gửi thẩm định").click()
    assert page.locator("#submission-status").inner_text() == "Đã nộp lại"

    page = reviewer.page
    page.reload()
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    for code in ("A1", "A2", "B1", "B2"):
        box = page.locator(f"#answer-{ids[code]}")
        if Answer.objects.get(pk=ids[code]).review != "pending":
            continue
        box.locator("select[name=decision]").select_option("accepted")
        box.get_by_role("button", name="Ghi nhận").click()
        # the decision shows in the swapped-in points line (the select's option text would match too early)
        expect(box.locator(".points")).to_contain_text("Đã chấp nhận")
    page.get_by_role("button", name="Chấp nhận hồ sơ").click()
    assert page.locator("#submission-status").inner_text() == "Đã chấp nhận"
    reviewer.shot("index-reviewer-accepted")
    reviewer.assert_clean()
    assert Submission.objects.get(pk=sub_a.pk).status == Submission.Status.ACCEPTED
