"""The figures a leader reads, on a hand-made case: three units (communes A and B, department D) and three
metrics — a rate, a count and a score. Each expected figure is recomputed here from the raw rows below,
never by the code under test: a rate is Σ numerators / Σ denominators, a count a sum, a score the mean of
the units (the bug this guards against: communes' service-index scores summed into 10 180,6)."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from dxboard.core.models import Notification
from dxboard.kpi import actions, periods, rollup
from dxboard.kpi.models import AlertRule, Metric, Target

from .conftest import make_metric, obs

W2, W3 = datetime.date(2026, 1, 5), datetime.date(2026, 1, 12)

# The raw rows: {metric: {unit: {week: (numerator, denominator)}}}
RATE = {"A": {"2026-W02": (9, 10), "2026-W03": (8, 10)}, "B": {"2026-W02": (50, 100), "2026-W03": (60, 100)},
        "D": {"2026-W02": (30, 40), "2026-W03": (35, 40)}}
COUNT = {"A": {"2026-W03": 1200}, "B": {"2026-W03": 300}, "D": {"2026-W03": 500}}
SCORE = {"A": {"2026-W02": 70, "2026-W03": 80}, "B": {"2026-W02": 90, "2026-W03": 90}, "D": {"2026-W02": 86}}
SCORE_TARGET = 88  # the mean of week 3 misses it; the sum of the scores (the old bug) would pass it


@pytest.fixture
def case(tree):
    rate = make_metric("T_RATE", position=1)
    count = make_metric("T_COUNT", rate=False, position=2)
    score = make_metric("T_SCORE", rate=False, kind="score", how="mean", position=3, name_en="Service score",
                        name="Điểm phục vụ")
    Target.objects.create(metric=score, year=2026, value=SCORE_TARGET)
    Target.objects.create(metric=rate, year=2026, value=0.7)
    for unit, weeks in RATE.items():
        for week, (num, den) in weeks.items():
            obs(rate, tree[unit], week, num, den)
    for unit, weeks in COUNT.items():
        for week, num in weeks.items():
            obs(count, tree[unit], week, num)
    for unit, weeks in SCORE.items():
        for week, num in weeks.items():
            obs(score, tree[unit], week, num)
    return {"rate": rate, "count": count, "score": score}


def _text(html: str) -> str:
    """The visible text of a page, without the expert's code elements."""
    html = re.sub(r'<span class="[^"]*\bcode\b[^"]*">[^<]*</span>', " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_province_figures_follow_the_kind(case):
    week3 = (8 + 60 + 35) / (10 + 100 + 40)
    assert rollup.series(case["rate"])[W3].value == pytest.approx(week3)
    assert rollup.province(case["count"]).value == 1200 + 300 + 500
    assert rollup.series(case["score"])[W3].value == pytest.approx((80 + 90) / 2)
    assert rollup.series(case["score"])[W2].value == pytest.approx((70 + 90 + 86) / 3)
    # over both weeks: each unit's mean over time, then the mean of the units (each unit weighs the same)
    assert rollup.province(case["score"], W2, W3).value == pytest.approx(((70 + 80) / 2 + (90 + 90) / 2 + 86) / 3)
    assert rollup.province(case["rate"], W2, W3).value == pytest.approx(
        (9 + 8 + 50 + 60 + 30 + 35) / (10 + 10 + 100 + 100 + 40 + 40))


def test_the_overview_export_has_the_figures_of_the_raw_rows(case, personas, login):
    response = login(personas["leader"]).get("/kpi/overview.xlsx")
    rows = {r[0]: r for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=4, values_only=True)}
    code, _name, period, num, den, value, target, status, off, basis = rows["T_SCORE"]
    assert value == pytest.approx((80 + 90) / 2) and (num, den) == (None, None)
    assert (period, target, status) == ("tuần 3/2026", SCORE_TARGET, "Chưa đạt")  # 85 < 88
    assert basis == "Trung bình cộng điểm của các đơn vị (mỗi đơn vị có trọng số như nhau)"
    assert rows["T_RATE"][3:6] == (8 + 60 + 35, 10 + 100 + 40, pytest.approx((8 + 60 + 35) / (10 + 100 + 40)))
    # 103/150 < 0.7; per unit: A 8/10 and D 35/40 reach 0.7, B 60/100 does not
    assert rows["T_RATE"][7] == "Chưa đạt" and rows["T_RATE"][8] == "Phường Kinh Bắc"
    assert rows["T_COUNT"][5] == 1200 + 300 + 500 and rows["T_COUNT"][9] == "Tổng số liệu của các đơn vị"


def test_the_overview_page_shows_the_mean_score_against_its_target(case, personas, login):
    body = login(personas["leader"]).get("/kpi/").content.decode()
    row = _text(body.split('href="/kpi/metrics/T_SCORE/"')[1].split("</tr>")[0])
    assert "tuần 3/2026" in row and " 85 " in row and " 88 " in row
    assert "không đạt" in row
    count_row = _text(body.split('href="/kpi/metrics/T_COUNT/"')[1].split("</tr>")[0])
    assert "2.000" in count_row  # 1200 + 300 + 500, Vietnamese grouping
    assert "T_SCORE" not in _text(body) and "2026-W03" not in _text(body)


def test_the_overview_page_in_english(case, personas, login):
    client = login(personas["leader"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/kpi/").content.decode()
    row = _text(body.split('href="/kpi/metrics/T_SCORE/"')[1].split("</tr>")[0])
    assert "Service score" in row and "Điểm phục vụ" not in row and "week 3, 2026" in row
    assert "2,000" in _text(body.split('href="/kpi/metrics/T_COUNT/"')[1].split("</tr>")[0])


def test_the_league_ranks_the_units_by_the_raw_scores(case, personas, login):
    body = login(personas["admin"]).get("/kpi/league/?metric=T_SCORE&week=2026-W03").content.decode()
    table = _text(body.split('id="kpi-league"')[1].split("</table>")[0])
    # week 3: B 90 first, A 80 second (70 in week 2: +10); D reported week 2 only
    b, a = table.index("Phường Kinh Bắc"), table.index("Phường Bắc Giang")
    assert b < a
    assert re.search(r"1 Phường Kinh Bắc 90 ", table) and re.search(r"2 Phường Bắc Giang 80 \+" + str(80 - 70), table)
    assert "Sở Khoa học" not in table  # no score in week 3
    assert "tuần 3/2026" in _text(body.split("<h1>")[1].split("</h1>")[0])
    assert '<option value="2026-W02">tuần 2/2026</option>' in body  # the week picker offers the weeks with data


def test_the_metric_page_says_how_the_province_figure_is_made(case, personas, login):
    client = login(personas["leader"])
    kind = client.get("/kpi/metrics/T_SCORE/").content.decode().split('id="kpi-metric-kind"')[1].split("</dl>")[0]
    assert "Điểm, chỉ số" in kind and "Trung bình cộng điểm của các đơn vị" in kind
    rate = client.get("/kpi/metrics/T_RATE/").content.decode()
    assert "Tổng tử số / tổng mẫu số của các đơn vị" in rate
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/kpi/metrics/T_SCORE/").content.decode()
    assert "Arithmetic mean of the units" in english and "Trung bình cộng" not in english


def test_the_metric_export_series_of_a_score(case, personas, login):
    wb = load_workbook(io.BytesIO(login(personas["leader"]).get("/kpi/metrics/T_SCORE/export.xlsx").content))
    series = list(wb["Chuỗi số liệu"].iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[4]) for r in series] == [("tuần 2/2026", 3), ("tuần 3/2026", 2)]
    assert series[0][3] == pytest.approx((70 + 90 + 86) / 3) and series[1][3] == pytest.approx((80 + 90) / 2)


def test_the_api_series_of_a_score(case, client):
    answer = client.get("/api/v1/kpi/series/?metric=T_SCORE").json()
    points = answer["points"]
    assert answer["kind"] == "score"
    assert [p["value"] for p in points] == [pytest.approx((70 + 90 + 86) / 3), pytest.approx((80 + 90) / 2)]


def test_home_panel_lists_the_figures_due(tree, personas, login):
    Metric.objects.all().delete()  # the shipped definitions: only the two below are due
    rate, count = make_metric("T_RATE"), make_metric("T_COUNT", rate=False)
    pushed = make_metric("T_PUSHED")
    actions.create_source_system(acting_user=personas["admin"], code="igate", name="iGate", metrics=[pushed])
    last_week = periods.previous(periods.key_for(timezone.localdate(), "weekly"))
    client = login(personas["officer_a"])
    body = client.get("/").content.decode()
    assert "2 số liệu cần nhập cho kỳ vừa qua" in body  # unit A: both hand-entered metrics, nothing yet
    assert str(periods.label(last_week)) in body and last_week not in _text(body)
    obs(rate, tree["A"], last_week, 5, 10)
    obs(count, tree["A"], last_week, 3)
    body = client.get("/").content.decode()
    assert "kpi-due" not in body and "Số liệu vận hành (KPI)" not in body  # nothing due: no panel


def test_an_alert_is_told_in_the_readers_language(tree, personas):
    metric = make_metric(name="Tỷ lệ đúng hạn", name_en="On-time share")
    Target.objects.create(metric=metric, year=2026, unit_kind="commune", value=0.8)
    AlertRule.objects.create(metric=metric)
    obs(metric, tree["B"], "2026-W02", 5, 10)
    note = Notification.objects.filter(user=personas["officer_b"]).get()
    subject, body = str(note.subject), str(note.body)
    assert "tuần 2/2026" in subject + body and "2026-W02" not in subject + body and "T_RATE" not in subject
    assert "50,0 %" in body and "80,0 %" in body and "Tỷ lệ đúng hạn" in body and "On-time" not in body
    with translation.override("en"):
        english = str(note.shown_subject) + str(note.shown_body)
    assert "week 2, 2026" in english and "50.0 %" in english and "tuần" not in english
    assert "On-time share" in english and "Tỷ lệ" not in english


def test_unit_names_in_the_page_language(case, tree, personas, login):
    tree["B"].name_en = "Kinh Bac Ward"
    tree["B"].save()
    client = login(personas["admin"])
    assert "Phường Kinh Bắc" in client.get("/kpi/league/?metric=T_SCORE&week=2026-W03").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    table = client.get("/kpi/league/?metric=T_SCORE&week=2026-W03").content.decode().split('id="kpi-league"')[1]
    assert "Kinh Bac Ward" in table and "Phường Kinh Bắc" not in table
