"""The steering programme as a data source of the index (`source: tasks`): a unit's completion rate
by the national formula over the campaign's period."""

import calendar
import datetime

from .rates import completion_rate


def campaign_period(period: str) -> tuple[datetime.date, datetime.date]:
    """"2025" → the year; "2025-06" → the month."""
    if len(period) == 7 and period[4] == "-":
        year, month = int(period[:4]), int(period[5:])
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    year = int(period[:4])
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def feed_submission(*, acting_user, submission, as_of: datetime.date | None = None) -> int:
    """Fill answers of indicators with source `tasks` with the unit's completion rate (0–1 for a share
    rule, a percentage for other rules). Nothing due in the period → left unanswered."""
    from dxboard.index import actions as index_actions

    start, end = campaign_period(submission.campaign.period)
    rate = None
    saved = 0
    for answer in submission.answers.select_related("indicator", "submission__unit"):
        if answer.indicator.source != "tasks":
            continue
        if rate is None:
            rate = completion_rate(submission.unit, start, end, as_of)
            if rate is None:
                return 0
        value = rate if answer.indicator.rule_type == "fraction" else round(100 * rate, 2)
        index_actions.save_answer(acting_user=acting_user, answer=answer, expected_version=answer.version,
                                  value=value, comment="Lấy từ chương trình nhiệm vụ")
        saved += 1
    return saved
