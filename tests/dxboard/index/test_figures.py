"""The figures a leader reads, recomputed here by hand from the raw answers of a small case.

Four communes on the small framework (A1 binary 10, A2 share × 20, B1 chu_tich 10 / pho_chu_tich 5 / khac 0,
B2 step: ≥1 → 4, ≥5 → 10; 50 points in all). A and B send their forms, C answers but never sends, D does
nothing. Only A is reviewed (three answers decided, B1 left pending).
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from dxboard.index import actions, excel, reports
from dxboard.index.models import Answer
from dxboard.units.models import Unit, UnitKind

from .conftest import answer, fill

# unit A (the conftest's fill): A1 = 1 → 10; A2 = 3/4 → 0.75 × 20 = 15; B1 pho_chu_tich → 5; B2 = 6 → 10
A_POINTS = 10 + 0.75 * 20 + 5 + 10  # 40
# unit B: A1 = 0 → 0; A2 = 1/4 → 5; B1 chu_tich → 10; B2 = 2 → 4
B_POINTS = 0 + 0.25 * 20 + 10 + 4  # 19
MAX = 10 + 20 + 10 + 10


def _save(user, submission, inputs):
    for code, fields in inputs.items():
        a = answer(submission, code)
        actions.save_answer(acting_user=user, answer=a, expected_version=a.version, **fields)


@pytest.fixture
def case(tree, personas, small_framework):
    c_unit = Unit.objects.create(code="09190", name="Xã Hòa Long", kind=UnitKind.COMMUNE, parent=tree["P"])
    d_unit = Unit.objects.create(code="09193", name="Xã Nam Sơn", kind=UnitKind.COMMUNE, parent=tree["P"])
    admin = personas["admin"]
    campaign = actions.create_campaign(acting_user=admin, framework=small_framework, name="Thử 2025", period="2025",
                                       unit_kind="commune", opens=datetime.date(2025, 11, 1),
                                       closes=datetime.date(2026, 1, 15),
                                       units=[tree["A"], tree["B"], c_unit, d_unit])
    actions.open_campaign(acting_user=admin, campaign=campaign)
    sub = {s.unit.code: s for s in campaign.submissions.select_related("unit")}
    fill(sub["07210"], personas["officer_a"])
    _save(personas["officer_b"], sub["09187"], {"A1": {"value": "0"}, "A2": {"numerator": "1", "denominator": "4"},
                                                "B1": {"choice": "chu_tich"}, "B2": {"value": "2"}})
    # C answers everything at full marks but never sends: it must not be ranked nor counted
    _save(admin, sub["09190"], {"A1": {"value": "0"}, "A2": {"numerator": "4", "denominator": "4"},
                                "B1": {"choice": "chu_tich"}, "B2": {"value": "9"}})
    actions.submit(acting_user=personas["officer_a"], submission=sub["07210"])
    actions.submit(acting_user=personas["officer_b"], submission=sub["09187"])
    reviewer = personas["reviewer"]
    actions.start_review(acting_user=reviewer, submission=sub["07210"])
    actions.review_answer(acting_user=reviewer, answer=answer(sub["07210"], "A1"), decision="accepted")
    actions.review_answer(acting_user=reviewer, answer=answer(sub["07210"], "A2"), decision="adjusted",
                          note="Hệ thống ghi 1/2", numerator="1", denominator="2")
    actions.review_answer(acting_user=reviewer, answer=answer(sub["07210"], "B2"), decision="rejected",
                          note="Không có danh sách tin bài")
    actions.compute_results(acting_user=admin, campaign=campaign, basis="self", official=True)
    campaign.refresh_from_db()
    return campaign


def test_ranking_ranks_only_the_units_that_sent_their_form(case):
    from dxboard.index.results import not_submitted, ranking

    rows = ranking(case.official)
    assert [(r["code"], r["rank"]) for r in rows] == [("07210", 1), ("09187", 2)]  # 40/50 above 19/50
    assert rows[0]["value"] == pytest.approx(A_POINTS / MAX)  # 0.80
    assert rows[1]["value"] == pytest.approx(B_POINTS / MAX)  # 0.38
    assert rows[0]["score"] == pytest.approx(100 * 40 / 50) and rows[1]["score"] == pytest.approx(100 * 19 / 50)
    # bands: ≥ 0.85 Xuất sắc, ≥ 0.70 Tốt, ≥ 0.55 Khá, ≥ 0.40 Trung bình, else Yếu
    assert [r["grade"] for r in rows] == ["Tốt", "Yếu"]
    assert [u["name"] for u in not_submitted(case.official)] == ["Xã Hòa Long", "Xã Nam Sơn"]


def test_results_page_lists_the_units_that_did_not_send_apart(login, personas, case):
    html = login(personas["admin"]).get(reverse("index:results", args=[case.pk])).content.decode()
    table, apart = html.split('id="not-submitted"')
    assert "80,0" in table and "38,0" in table  # 40/50 and 19/50 out of 100
    assert "Xã Hòa Long" not in table and "Xã Hòa Long" in apart and "Xã Nam Sơn" in apart
    assert "Chưa nộp (2)" in apart


def test_report_counts_grades_and_averages_over_ranked_units(case):
    content = reports.report_content(case, case.official, day=datetime.date(2026, 1, 20))
    text = "\n".join(p for s in content.sections for p in s.paragraphs)
    average = 100 * (A_POINTS / MAX + B_POINTS / MAX) / 2  # (80 + 38) / 2 = 59
    assert f"Chỉ số bình quân đạt {average:.1f}".replace(".", ",") + " điểm" in text
    assert "Xếp loại: Tốt: 1 đơn vị; Yếu: 1 đơn vị." in text
    assert "4 đơn vị tham gia; 2 đơn vị đã gửi" in text
    assert "Chưa nộp (2 đơn vị" in text and "Xã Hòa Long, Xã Nam Sơn" in text
    table = next(s.table for s in content.sections if s.table)
    assert [row[1] for row in table[1:]] == ["Phường Bắc Giang", "Phường Kinh Bắc"]


def test_results_workbook_lists_the_units_that_did_not_send_on_their_own_sheet(case):
    book = openpyxl.load_workbook(io.BytesIO(excel.results_workbook(case.official)))
    ranking_sheet = book.worksheets[0]
    codes = [row[1] for row in ranking_sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["07210", "09187"]
    assert [row[0] for row in book["Chưa nộp"].iter_rows(min_row=2, values_only=True)] == ["09190", "09193"]


def test_ranking_chart_uses_the_table_scale(login, personas, case):
    svg = login(personas["admin"]).get(reverse("index:chart-ranking", args=[case.pk])).content.decode()
    assert "80,0" in svg and "38,0" in svg  # the same 0–100 figures as the table, not 0.8 nor 800
    assert "Xã Hòa Long" not in svg


def test_over_claim_compares_only_the_answers_the_reviewer_decided(login, personas, case):
    page = login(personas["admin"]).get(reverse("index:campaign", args=[case.pk]))
    rows = {r["s"].unit.code: r for r in page.context["table"]}
    a = rows["07210"]
    # decided: A1 accepted (claimed 10, verified 10), A2 adjusted to 1/2 (claimed 15, verified 0.5 × 20 = 10),
    # B2 rejected (claimed 10, verified 0); B1 (claimed 5) still pending, so outside both sums
    assert a["s"].reviewed == 3
    assert a["s"].verified == pytest.approx(10 + 10 + 0)
    assert a["gap"] == pytest.approx((10 + 15 + 10) - (10 + 10 + 0))
    assert rows["09187"]["gap"] is None and rows["09187"]["s"].reviewed == 0  # not reviewed: no gap shown
    assert Answer.objects.filter(submission=a["s"], review=Answer.Review.PENDING).count() == 1


def test_grades_read_in_the_readers_language(case):
    from dxboard.index.results import ranking

    rows = ranking(case.official)
    assert [str(r["grade_label"]) for r in rows] == ["Tốt", "Yếu"]
    with translation.override("en"):
        assert [str(r["grade_label"]) for r in rows] == ["Good", "Weak"]


def test_english_pages_name_indices_and_choices_in_english(login, personas, case):
    client = login(personas["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    results = client.get(reverse("index:results", args=[case.pk])).content.decode()
    assert "Digital government" in results and "Chính quyền số" not in results
    assert "Not submitted (2)" in results and "Chưa nộp" not in results
    form = client.get(reverse("index:submission", args=[answer(case.submissions.get(unit__code="09190"), "B1")
                                                        .submission_id])).content.decode()
    shown = re.sub(r'value="[^"]*"', "", form)  # the codes stay in the form's values, never in its text
    assert "The chairperson (10 points)" in shown and "A vice-chairperson (5 points)" in shown
    assert "chu_tich" not in shown
