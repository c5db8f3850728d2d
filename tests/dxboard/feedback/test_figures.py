import datetime

import pytest

from dxboard.feedback import actions
from dxboard.feedback.figures import Stay, compute, indicator_value, percentile

T0 = datetime.datetime(2026, 3, 2, 8, tzinfo=datetime.UTC)
H = datetime.timedelta(hours=1)


def stay(outcome, hours=10, deadline_hours=48, **kw):
    return Stay(unit="U", category="C", assigned_at=T0, deadline=T0 + deadline_hours * H, outcome=outcome,
                ended_at=None if outcome == "open" else T0 + hours * H, **kw)


def test_hand_made_case():
    stays = [stay("answered", 10, first_response_at=T0 + 2 * H, score=5),
             stay("answered", 30, first_response_at=T0 + 4 * H, score=3, reopened=True),
             stay("answered", 60),  # late
             stay("rerouted", 5),
             stay("rejected", 1)]
    f = compute(stays)
    assert f.received == 5 and f.answered == 3 and f.finished == 5
    assert f.on_time_pct == 40.0  # 2 on time of 5 finished
    assert f.avg_hours == 33.3 and f.p90_hours == pytest.approx(54.0)
    assert f.first_response_hours == 3.0 and f.satisfaction == 4.0
    assert f.rejection_pct == 20.0 and f.reroute_pct == 20.0 and f.reopen_pct == 33.3


def test_pauses_do_not_count_as_handling_time():
    assert compute([stay("answered", 30, paused_seconds=20 * 3600)]).avg_hours == 10.0


def test_rejecting_or_rerouting_never_improves_on_time():
    base = [stay("answered", 10), stay("answered", 60)]
    late = stay("answered", 60)
    honest = compute([*base, late]).on_time_pct
    for escape in ("rerouted", "returned", "rejected", "merged"):
        assert compute([*base, stay(escape, 59)]).on_time_pct <= honest
    # a return to the intake office is a re-route the unit asked for: the same share
    assert compute([stay("returned", 5), stay("answered")]).reroute_pct == 50.0
    # and an overdue open report counts as late
    assert compute([*base, stay("open")], now=T0 + 100 * H).on_time_pct == pytest.approx(33.3)


def test_percentile():
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == pytest.approx(9.1)
    assert percentile([], 0.9) is None


def test_indicator_value_from_the_database(make_report, personas, tree):
    r1, r2 = make_report(), make_report()
    actions.route(r1, tree["A"], acting_user=personas["admin"])
    actions.answer(r1, acting_user=personas["officer_a"], text="ok")
    actions.route(r2, tree["A"], acting_user=personas["admin"])
    actions.route(r2, tree["B"], acting_user=personas["admin"])
    today = datetime.date.today()
    start, end = today - datetime.timedelta(days=30), today + datetime.timedelta(days=1)
    assert indicator_value(tree["A"], "received", start, end) == 2
    assert indicator_value(tree["A"], "feedback.on_time_pct", start, end) == 50.0
    assert indicator_value(tree["A"], "reroute_pct", start, end) == 50.0
    assert indicator_value(tree["B"], "received", start, end) == 1
    assert indicator_value(tree["D"], "on_time_pct", start, end) is None
    with pytest.raises(KeyError):
        indicator_value(tree["A"], "nope", start, end)


FRAMEWORK = """
code: fb-feed-test
name: {vi: Thử nguồn phản ánh, en: Feedback source test}
model: points
nodes:
  - {code: on_time_pct, name: {vi: Tỷ lệ xử lý đúng hạn, en: On time}, parents: {T: 1},
     rule: {type: fraction, max: 30}, source: feedback}
  - {code: S1, name: {vi: Tự đánh giá, en: Self}, parents: {T: 1}, rule: {type: binary, max: 10}, source: self}
  - {code: T, type: aggregate, name: {vi: Tổng, en: Total}}
"""


def test_feed_submission_fills_feedback_indicators(make_report, personas, tree):
    from dxboard.feedback.figures import feed_submission, period_bounds
    from dxboard.index import actions as index_actions
    from dxboard.index.frameworks import import_framework

    assert period_bounds("2026") == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert period_bounds("2024-02") == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    r1, r2 = make_report(), make_report()
    actions.route(r1, tree["A"], acting_user=personas["admin"])
    actions.answer(r1, acting_user=personas["officer_a"], text="ok")
    actions.route(r2, tree["A"], acting_user=personas["admin"])
    actions.reject(r2, acting_user=personas["admin"], reason="spam")
    framework, _ = import_framework(FRAMEWORK.encode(), "fb.yaml", acting_user=None)
    year = datetime.date.today().year
    campaign = index_actions.create_campaign(
        acting_user=personas["admin"], framework=framework, name="Thử", period=str(year), unit_kind="commune",
        opens=datetime.date(year, 1, 1), closes=datetime.date(year, 12, 31), units=[tree["A"], tree["B"]])
    index_actions.open_campaign(acting_user=personas["admin"], campaign=campaign)
    sub_a, sub_b = (campaign.submissions.get(unit=tree[k]) for k in ("A", "B"))
    assert feed_submission(acting_user=personas["admin"], submission=sub_a) == 1
    answer = sub_a.answers.get(indicator__code="on_time_pct")
    assert (answer.numerator, answer.denominator) == (1, 2)  # the rejected report counts against the unit
    assert feed_submission(acting_user=personas["admin"], submission=sub_b) == 0


def test_registered_as_index_source():
    from dxboard.index import sources

    assert "feedback" in sources.registered()
