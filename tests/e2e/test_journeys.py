"""One journey per role along its main path, in a real headless Chromium.

Every page a journey reaches goes through `Journey.step` (tests/e2e/conftest.py): no console error
or CSP violation so far, no request to another host, every link shown to the role answers, and a
screenshot `var/screenshots/<role>-<step>.png` kept by CI.

The citizen's journey on a phone (report with a photo → follow → rate) is
`test_feedback.py::test_citizen_reports_follows_and_rates_on_a_phone`; it walks the same steps.
What other roles do meanwhile (the officers fill, the reviewer reviews) is done through the actions,
so each journey shows one role's pages only.
"""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.dxboard.index.conftest import campaign, jpeg_upload, small_framework, sub_a  # noqa: F401 — fixtures
from tests.e2e.test_index import autosave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(j, username, device=None):
    """The login form, the second factor for the standing office, then the role's home page."""
    from django_otp.oath import totp

    page = j.page
    page.goto(j.server_url + "/accounts/login/")
    j.step("login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if device is not None:
        page.wait_for_url("**/accounts/2fa/verify/**")
        page.locator("input[name=token]").fill(f"{totp(device.bin_key):06d}")
        page.locator("form.panel button[type=submit]").click()
    page.wait_for_url(j.server_url + "/")
    j.step("home")


def jpeg_file(tmp_path, name="ke-hoach.jpg"):
    path = tmp_path / name
    path.write_bytes(jpeg_upload().read())
    return path


def fill_answers(submission, user, posts="6"):
    """What the unit's officer types into the form (B2 = number of posts: 6 → 10 points, 2 → 4)."""
    from dxboard.index import actions

    inputs = {"A1": {"value": "1"}, "A2": {"numerator": "3", "denominator": "4"}, "B1": {"choice": "pho_chu_tich"},
              "B2": {"value": posts}}
    answers = {a.indicator.code: a for a in submission.answers.select_related("indicator", "submission__unit")}
    for code, fields in inputs.items():
        actions.save_answer(acting_user=user, answer=answers[code], expected_version=answers[code].version, **fields)
    actions.attach_evidence(acting_user=user, answer=answers["A1"], upload=jpeg_upload(), summary="Kế hoạch CĐS",
                            document_number="12/KH-UBND", document_date=datetime.date(2025, 1, 20), issuer="UBND")
    actions.submit(acting_user=user, submission=submission)


def review_all(submission, reviewer):
    from dxboard.index import actions

    actions.start_review(acting_user=reviewer, submission=submission)
    for answer in submission.answers.select_related("indicator", "submission__unit"):
        actions.review_answer(acting_user=reviewer, answer=answer, decision="accepted")
    actions.accept_submission(acting_user=reviewer, submission=submission)


def assessed(campaign, personas, tree):  # noqa: F811
    """Both communes filled, submitted and accepted: A scores 40 of 50 points, B 34."""
    from dxboard.index.models import Submission

    for unit, officer, posts in ((tree["A"], "officer_a", "6"), (tree["B"], "officer_b", "2")):
        submission = Submission.objects.get(campaign=campaign, unit=unit)  # fresh: the browser changed it
        fill_answers(submission, personas[officer], posts)
        review_all(submission, personas["admin"])


def load_metrics():
    """The shipped metric definitions (a transactional test starts from an emptied database)."""
    from dxboard.kpi.defaults import load_defaults
    from dxboard.kpi.models import AlertRule, Metric, Target

    if not Metric.objects.exists():
        load_defaults(Metric, Target, AlertRule)


def steering_task(tree, days=3, code="NV09", title="Triển khai tổ công nghệ số cộng đồng", plan=None):
    from dxboard.steering import actions
    from dxboard.workdays.loader import load_holidays

    if plan is None:
        load_holidays()
        plan = actions.create_plan(acting_user=None, unit=tree["P"], title="Kế hoạch CĐS năm 2026", year=2026,
                                   start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    return actions.create_task(acting_user=None, plan=plan, title=title, lead_unit=tree["A"],
                               deadline=timezone.localdate() + datetime.timedelta(days=days), code=code)


def admin_device(personas):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=personas["admin"], name="phone", confirmed=True)


# -- commune officer ------------------------------------------------------------------------------
def test_commune_officer_journey(journey, personas, tree, sub_a, tmp_path, settings):  # noqa: F811
    """Self-assessment with evidence, progress on a task, a KPI figure for the officer's commune."""
    from dxboard.index.models import Submission
    from dxboard.kpi import periods
    from dxboard.kpi.models import Metric, Observation

    settings.MEDIA_ROOT = tmp_path / "media"
    load_metrics()
    task = steering_task(tree)
    j = journey("officer")
    page = j.page
    log_in(j, "officer_a")

    # the self-assessment: every answer, the evidence A1 asks for, submitted
    ids = {a.indicator.code: a.pk for a in sub_a.answers.select_related("indicator")}
    page.get_by_role("link", name="Chỉ số").click()
    j.step("index")
    page.get_by_role("link", name="Phường Bắc Giang").click()
    autosave(page, ids["A1"], "value", "1")
    autosave(page, ids["A2"], "numerator", "3")
    autosave(page, ids["A2"], "denominator", "4")
    autosave(page, ids["B1"], "choice", "pho_chu_tich")
    autosave(page, ids["B2"], "value", "6")
    box = page.locator(f"#answer-{ids['A1']}")
    box.locator("summary").click()
    box.get_by_label("Trích yếu").fill("Kế hoạch chuyển đổi số năm 2025")
    box.get_by_label("Số văn bản").fill("12/KH-UBND")
    box.locator("input[type=file]").set_input_files(str(jpeg_file(tmp_path)))
    box.get_by_role("button", name="Đính kèm").click()
    page.wait_for_load_state()
    expect(page.locator(f"#answer-{ids['A1']} .evidence-list")).to_contain_text("Kế hoạch chuyển đổi số năm 2025")
    j.step("self-assessment")
    page.get_by_text("Nộp để thẩm định…").click()  # sending asks first: the form locks once sent
    page.get_by_role("button", name="Đồng ý, gửi thẩm định").click()
    expect(page.locator("#submission-status")).to_have_text("Đã nộp")
    j.step("self-assessment-submitted")
    assert Submission.objects.get(pk=sub_a.pk).status == Submission.Status.SUBMITTED

    # progress on the commune's task, with a report file
    page.get_by_role("link", name="Nhiệm vụ").first.click()
    page.wait_for_url("**/steering/")
    j.step("tasks")
    page.get_by_role("link", name="NV09 · Triển khai tổ công nghệ số cộng đồng").first.click()
    page.wait_for_url(f"**/steering/tasks/{task.pk}/")
    j.step("task")
    pdf = tmp_path / "bao-cao-tien-do.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% report\n")
    page.get_by_label("Tiến độ (%)").fill("60")
    page.get_by_label("Báo cáo tiến độ").fill("Đã thành lập tổ tại 8/12 thôn, khu phố.")
    page.get_by_label("Tệp đính kèm (PDF, Word, Excel, ảnh)").set_input_files(str(pdf))
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url(f"**/steering/tasks/{task.pk}/")
    expect(page.locator("#task-progress")).to_have_text("60%")
    j.step("task-progress")
    assert task.reports.get().attachments.count() == 1

    # a figure for the commune, entered by hand
    metric = Metric.objects.get(code="EDOC_SHARE")
    period = periods.key_for(timezone.localdate(), metric.frequency)
    page.get_by_role("link", name="Số liệu").first.click()
    page.wait_for_url("**/kpi/")
    j.step("kpi-overview")
    page.locator(".subnav").get_by_role("link", name="Nhập số liệu").click()
    page.wait_for_url("**/kpi/entry/")
    page.locator("select[name=metric]").select_option(str(metric.pk))
    page.locator("select[name=unit]").select_option(str(tree["A"].pk))
    page.locator("select[name=period]").select_option(period)
    page.locator("input[name=numerator]").fill("930")
    page.locator("input[name=denominator]").fill("1000")
    j.step("kpi-entry")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/kpi/units/{tree['A'].code}/")
    expect(page.locator("#kpi-unit")).to_contain_text("930")
    j.step("kpi-unit")
    stored = Observation.objects.get(metric=metric, unit=tree["A"], is_current=True)
    assert (stored.numerator, stored.denominator) == (930, 1000)
    # the other commune is not offered
    page.goto(j.server_url + "/kpi/entry/")
    assert page.locator(f"select[name=unit] option[value='{tree['B'].pk}']").count() == 0
    j.finish()


# -- reviewer -------------------------------------------------------------------------------------
def test_reviewer_journey(journey, personas, tree, sub_a, tmp_path, settings):  # noqa: F811
    """Returns the commune's self-assessment for one answer, then accepts the corrected one."""
    from dxboard.index import actions
    from dxboard.index.models import Answer, Submission

    settings.MEDIA_ROOT = tmp_path / "media"
    fill_answers(sub_a, personas["officer_a"])
    ids = {a.indicator.code: a.pk for a in sub_a.answers.select_related("indicator")}
    j = journey("reviewer")
    page = j.page
    log_in(j, "reviewer")
    page.get_by_role("link", name="Chỉ số").click()
    j.step("index")
    page.get_by_role("link", name="Phường Bắc Giang").first.click()
    page.wait_for_url(f"**/index/submissions/{sub_a.pk}/")
    j.step("submission")
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    expect(page.locator(f"#answer-{ids['B2']} select[name=decision]")).to_be_visible()
    j.step("in-review")
    box = page.locator(f"#answer-{ids['B2']}")
    box.locator("select[name=decision]").select_option("returned")
    box.locator("textarea[name=note]").fill("Cần danh sách tin bài kèm đường dẫn")
    box.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(f"#answer-{ids['B2']}")).to_contain_text("Cần danh sách")
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    expect(page.locator("#submission-status")).to_have_text("Trả lại để bổ sung")
    j.step("returned")

    # the commune adds what was asked and submits again
    b2 = Answer.objects.get(pk=ids["B2"])  # not through sub_a, whose status the browser changed
    actions.save_answer(acting_user=personas["officer_a"], answer=b2, expected_version=b2.version,
                        comment="Đã bổ sung danh sách 6 tin bài")
    actions.submit(acting_user=personas["officer_a"], submission=Submission.objects.get(pk=sub_a.pk))

    page.reload()
    j.step("resubmitted")
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    for code in ("A1", "A2", "B1", "B2"):
        box = page.locator(f"#answer-{ids[code]}")
        if Answer.objects.get(pk=ids[code]).review != "pending":
            continue
        box.locator("select[name=decision]").select_option("accepted")
        box.get_by_role("button", name="Ghi nhận").click()
        expect(box.locator(".points")).to_contain_text("Đã chấp nhận")
    page.get_by_role("button", name="Chấp nhận hồ sơ").click()
    expect(page.locator("#submission-status")).to_have_text("Đã chấp nhận")
    j.step("accepted")
    assert Submission.objects.get(pk=sub_a.pk).status == Submission.Status.ACCEPTED
    j.finish()


# -- standing office ------------------------------------------------------------------------------
def plan_workbook(tree) -> bytes:
    """A plan as the office types it into Excel: two tasks, one monthly."""
    from openpyxl import Workbook

    from dxboard.steering.excel import COLUMNS, SHEET

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([str(header) for _key, header, _width in COLUMNS])
    deadline = (timezone.localdate() + datetime.timedelta(days=60)).strftime("%d/%m/%Y")
    rows = [
        {"code": "KH01", "title": "Số hóa hồ sơ hộ tịch", "lead_unit": f"{tree['A'].code} - {tree['A'].name}",
         "deadline": deadline, "priority": "high"},
        {"code": "KH02", "title": "Báo cáo số liệu dịch vụ công trực tuyến", "lead_unit": tree["B"].code,
         "coordinating": tree["A"].code, "deadline": deadline, "frequency": "monthly", "working_day": 5},
    ]
    for row in rows:
        ws.append([row.get(key) for key, _header, _width in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_standing_office_journey(journey, personas, tree, small_framework, tmp_path, settings):  # noqa: F811
    """Creates and opens a campaign, publishes the results after review, approves publication, then
    imports the year's plan from Excel."""
    from dxboard.index.models import Campaign
    from dxboard.steering.models import Plan

    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    j = journey("office")
    page = j.page
    log_in(j, "admin", admin_device(personas))

    # a campaign: created, opened
    page.get_by_role("link", name="Chỉ số").click()
    j.step("index")
    page.locator("a.button[href$='/campaigns/new/']").click()
    page.wait_for_url("**/index/campaigns/new/")
    page.locator("select[name=framework]").select_option(str(small_framework.pk))
    page.locator("input[name=name]").fill("Đánh giá CĐS cấp xã năm 2026")
    page.locator("input[name=period]").fill("2026")
    page.locator("select[name=unit_kind]").select_option("commune")
    page.locator("input[name=opens]").fill(today.isoformat())
    page.locator("input[name=closes]").fill((today + datetime.timedelta(days=30)).isoformat())
    j.step("campaign-new")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/index/campaigns/*/")
    campaign = Campaign.objects.get(name="Đánh giá CĐS cấp xã năm 2026")  # noqa: F811
    assert set(campaign.units.values_list("code", flat=True)) == {tree["A"].code, tree["B"].code}
    j.step("campaign-created")
    page.locator("button[name=action][value=open]").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Công bố kết quả tạm thời…")).to_be_visible()
    j.step("campaign-open")
    assert campaign.submissions.count() == 2

    # the communes fill, the reviewers accept; the office publishes provisional results
    assessed(campaign, personas, tree)
    page.reload()
    j.step("campaign-reviewed")
    page.get_by_text("Công bố kết quả tạm thời…").click()  # each step of the campaign asks first
    page.locator("button[name=action][value=provisional]").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Chốt kết quả…")).to_be_visible()
    j.step("provisional")
    page.locator("section.actions").get_by_role("link", name="Kết quả và xếp hạng").click()
    page.wait_for_url(f"**/index/campaigns/{campaign.pk}/results/")
    results = page.locator("main table").first.inner_text()
    assert results.index("Phường Bắc Giang") < results.index("Phường Kinh Bắc")  # 40 points before 34
    j.step("results")
    page.go_back()
    page.get_by_text("Chốt kết quả…").click()
    page.locator("button[name=action][value=finalise]").click()
    page.wait_for_load_state()
    page.get_by_text("Duyệt công bố…").click()
    page.locator("button[name=action][value=publish]").click()
    page.wait_for_load_state()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PUBLISHED
    j.step("published")
    page.goto(j.server_url + "/portal/")
    page.get_by_role("link", name="Đánh giá CĐS cấp xã năm 2026").first.click()
    page.wait_for_url(f"**/portal/{campaign.pk}/")
    expect(page.locator("main")).to_contain_text("Phường Kinh Bắc")
    j.step("portal")

    # the year's plan, imported from Excel: checked first, then confirmed
    page.goto(j.server_url + "/steering/plans/")
    j.step("plans")
    page.goto(j.server_url + "/steering/plans/import/")
    page.locator("input[name=title]").fill("Kế hoạch bổ sung về chuyển đổi số")
    page.locator("input[name=year]").fill(str(today.year))
    page.locator("input[name=start]").fill(f"{today.year}-01-01")
    page.locator("input[name=end]").fill(f"{today.year + 1}-12-31")
    page.locator("input[name=doc_number]").fill("25/KH-UBND")
    page.locator("input[name=doc_date]").fill(today.isoformat())
    page.locator("input[name=doc_issuer]").fill("UBND tỉnh Bắc Ninh")
    page.locator("input[name=file]").set_input_files(
        [{"name": "ke-hoach-bo-sung.xlsx", "buffer": plan_workbook(tree),
          "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    j.step("plan-import")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    preview = page.locator("#preview").inner_text()
    assert "Số hóa hồ sơ hộ tịch" in preview and "Báo cáo số liệu dịch vụ công trực tuyến" in preview
    assert "Hằng tháng (5)" in preview  # the recurrence in words, not its code
    j.step("plan-preview")
    assert not Plan.objects.filter(title="Kế hoạch bổ sung về chuyển đổi số").exists()  # nothing before the confirm
    page.locator("#confirm-import").click()
    page.wait_for_url("**/steering/plans/*/")
    plan = Plan.objects.get(title="Kế hoạch bổ sung về chuyển đổi số")
    assert set(plan.tasks.filter(parent=None).values_list("code", flat=True)) == {"KH01", "KH02"}
    expect(page.locator("#timeline")).to_contain_text("KH01")
    expect(page.locator("#timeline")).to_contain_text("KH02")
    j.step("plan-imported")
    j.finish()


# -- leader ---------------------------------------------------------------------------------------
def test_leader_journey(journey, personas, tree, campaign, tmp_path, settings):  # noqa: F811
    """Home, the index results, steering, the KPI overview, and the DOCX report (opened with python-docx)."""
    import docx

    from dxboard.index import actions
    from dxboard.kpi import actions as kpi_actions
    from dxboard.kpi import periods
    from dxboard.kpi.models import Metric

    settings.MEDIA_ROOT = tmp_path / "media"
    assessed(campaign, personas, tree)
    admin = personas["admin"]
    actions.publish_provisional(acting_user=admin, campaign=campaign)
    actions.finalise_campaign(acting_user=admin, campaign=campaign)
    task = steering_task(tree)
    steering_task(tree, days=-10, code="NV10", title="Nhiệm vụ quá hạn", plan=task.plan)
    load_metrics()
    metric = Metric.objects.get(code="EDOC_SHARE")
    period = periods.key_for(timezone.localdate(), metric.frequency)
    for unit, n in ((tree["A"], 950), (tree["B"], 700)):
        kpi_actions.enter_observation(acting_user=admin, metric=metric, unit=unit, period=period, numerator=n,
                                      denominator=1000)

    j = journey("leader")
    page = j.page
    log_in(j, "leader")

    # the index: the campaign, its results, the report
    page.get_by_role("link", name="Chỉ số").click()
    j.step("index")
    page.get_by_role("link", name=campaign.name).click()
    page.wait_for_url(f"**/index/campaigns/{campaign.pk}/")
    j.step("campaign")
    page.locator("section.actions").get_by_role("link", name="Kết quả và xếp hạng").click()
    page.wait_for_url(f"**/index/campaigns/{campaign.pk}/results/")
    j.step("index-results")
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo (DOCX)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".docx"
    report = docx.Document(str(path))
    text = "\n".join(p.text for p in report.paragraphs)
    assert campaign.name in text
    rows = {row.cells[1].text: [c.text for c in row.cells] for t in report.tables for row in t.rows
            if len(row.cells) >= 7}
    assert rows["Phường Bắc Giang"][2:5] == ["40,0", "80,0", "1"]  # points, %, rank
    assert rows["Phường Kinh Bắc"][2:5] == ["34,0", "68,0", "2"]

    # steering: plans, the league table, the summary
    page.get_by_role("link", name="Nhiệm vụ").first.click()
    j.step("steering")
    page.goto(j.server_url + "/steering/plans/")
    page.get_by_role("link", name="Kế hoạch CĐS năm 2026").click()
    expect(page.locator("#timeline rect")).to_have_count(2)
    j.step("steering-plan")
    page.get_by_role("link", name="Tổng hợp").click()
    expect(page.locator("main")).to_contain_text("Nhiệm vụ quá hạn")
    j.step("steering-summary")

    # the operating figures: province = Σ numerators / Σ denominators = 1650 / 2000
    page.get_by_role("link", name="Số liệu").first.click()
    page.wait_for_url("**/kpi/")
    row = page.locator("#kpi-overview tr", has_text=metric.name)
    expect(row).to_contain_text("82,5")
    j.step("kpi-overview")
    page.get_by_role("link", name="Phường Bắc Giang").last.click()
    page.wait_for_url(f"**/kpi/units/{tree['A'].code}/")
    j.step("kpi-unit")
    j.finish()
