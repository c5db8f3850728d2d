"""The index reads the steering programme: `source: tasks` = the unit's completion rate (national formula)."""

import datetime

import pytest

from dxboard.steering.indicators import campaign_period, feed_submission

FRAMEWORK = """
code: tasks-feed-test
name: {vi: Thử nguồn nhiệm vụ, en: Tasks source test}
model: points
nodes:
  - {code: NV1, name: {vi: Tỷ lệ hoàn thành nhiệm vụ, en: Task completion}, parents: {T: 1},
     rule: {type: fraction, max: 40}, source: tasks}
  - {code: S1, name: {vi: Tự đánh giá, en: Self}, parents: {T: 1}, rule: {type: binary, max: 10}, source: self}
  - {code: T, type: aggregate, name: {vi: Tổng, en: Total}}
"""


def test_campaign_periods():
    assert campaign_period("2025") == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert campaign_period("2024-02") == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))


@pytest.fixture
def submission(tree, personas):
    from dxboard.index import actions
    from dxboard.index.frameworks import import_framework

    framework, _ = import_framework(FRAMEWORK.encode(), "tasks.yaml", acting_user=None)
    campaign = actions.create_campaign(acting_user=personas["admin"], framework=framework, name="NV", period="2025",
                                       unit_kind="commune", opens=datetime.date(2025, 1, 1),
                                       closes=datetime.date(2026, 12, 31), units=[tree["A"]])
    actions.open_campaign(acting_user=personas["admin"], campaign=campaign)
    return campaign.submissions.get()


def test_completion_rate_fills_the_tasks_indicator(submission, personas, make_task):
    from dxboard.steering import actions

    # 2025: one completed on time, one completed late, one overdue, one not yet due → 2 / (2 + 1)
    on_time = make_task(deadline=datetime.date(2025, 3, 31), title="Đúng hạn")
    late = make_task(deadline=datetime.date(2025, 4, 30), title="Trễ hạn")
    make_task(deadline=datetime.date(2025, 5, 30), title="Quá hạn")
    make_task(deadline=datetime.date(2026, 12, 30), title="Năm sau")
    for task, day in ((on_time, datetime.date(2025, 3, 20)), (late, datetime.date(2025, 5, 12))):
        declaration = actions.declare_completion(acting_user=personas["admin"], task=task, declared_on=day)
        actions.decide_completion(acting_user=personas["admin"], declaration=declaration, confirm=True)
    assert feed_submission(acting_user=personas["admin"], submission=submission) == 1
    answer = submission.answers.get(indicator__code="NV1")
    assert answer.value == pytest.approx(2 / 3) and answer.self_points == pytest.approx(40 * 2 / 3)
    assert submission.answers.get(indicator__code="S1").value is None


def test_nothing_due_leaves_the_answer_empty(submission, personas):
    assert feed_submission(acting_user=personas["admin"], submission=submission) == 0
    assert submission.answers.get(indicator__code="NV1").value is None
