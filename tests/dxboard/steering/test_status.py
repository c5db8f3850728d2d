"""Status derivation and the national completion-rate formula on hand-made cases, including
deadlines on weekends and public holidays."""

import datetime

import pytest

from dxboard.steering import rates as rates_mod
from dxboard.steering.status import DUE_SOON, IN_PROGRESS, LATE, ON_TIME, OVERDUE, rates, task_status

D = datetime.date


@pytest.mark.parametrize(("deadline", "completed", "today", "expected"), [
    (D(2025, 6, 30), D(2025, 6, 30), D(2025, 7, 10), ON_TIME),  # completed on the deadline day
    (D(2025, 6, 30), D(2025, 7, 1), D(2025, 7, 10), LATE),  # one day late
    (D(2025, 6, 30), None, D(2025, 6, 30), DUE_SOON),  # the deadline day itself is not overdue
    (D(2025, 6, 30), None, D(2025, 7, 1), OVERDUE),
    (D(2025, 6, 30), None, D(2025, 6, 23), DUE_SOON),  # 7 days before
    (D(2025, 6, 30), None, D(2025, 6, 22), IN_PROGRESS),  # 8 days before
    (D(2025, 6, 30), D(2025, 6, 1), D(2025, 6, 2), ON_TIME),
])
def test_task_status(deadline, completed, today, expected):
    assert task_status(deadline, completed, today) == expected


def test_the_national_formula():
    r = rates([ON_TIME, ON_TIME, LATE, OVERDUE, IN_PROGRESS, DUE_SOON])
    assert (r.completed, r.overdue, r.in_progress, r.denominator) == (3, 1, 2, 4)
    assert r.rate == 0.75  # 3 / (3 + 1): tasks within the deadline are left out
    assert r.on_time_share == 0.5
    assert rates([IN_PROGRESS, DUE_SOON]).rate is None  # nothing due yet
    assert rates([OVERDUE]).rate == 0.0
    assert rates([LATE]).rate == 1.0 and rates([LATE]).on_time_share == 0.0


def test_a_deadline_in_tet_moves_to_the_first_working_day_after(make_task, tree, personas):
    """Deadline Saturday 1 February 2025, inside Tết (25/1–2/2): due Monday 3 February."""
    task = make_task(deadline=D(2025, 2, 1))
    assert task.effective_deadline == D(2025, 2, 3)
    assert task.status(D(2025, 2, 3)) == DUE_SOON
    assert task.status(D(2025, 2, 4)) == OVERDUE
    assert task_status(task.effective_deadline, D(2025, 2, 3), D(2025, 3, 1)) == ON_TIME
    assert task_status(task.effective_deadline, D(2025, 2, 4), D(2025, 3, 1)) == LATE


def test_a_deadline_on_a_make_up_saturday_stays(make_task):
    task = make_task(deadline=D(2025, 4, 26))
    assert task.effective_deadline == D(2025, 4, 26)
    assert task.status(D(2025, 4, 28)) == OVERDUE


def test_a_deadline_on_national_day_moves_past_both_days_off(make_task):
    task = make_task(deadline=D(2025, 8, 31))  # Sunday, then 1 and 2 September off
    assert task.effective_deadline == D(2025, 9, 3)


def test_annotation_agrees_with_the_pure_function(make_task, personas):
    from dxboard.steering import actions
    from dxboard.steering.models import Task

    today = D(2025, 7, 1)
    cases = [make_task(deadline=D(2025, 6, 30)), make_task(deadline=D(2025, 7, 5)), make_task(deadline=D(2025, 9, 1)),
             make_task(deadline=D(2025, 2, 1)), make_task(deadline=D(2025, 3, 31))]
    Task.objects.filter(pk=cases[3].pk).update(completed_on=D(2025, 2, 3))
    Task.objects.filter(pk=cases[4].pk).update(completed_on=D(2025, 4, 2))
    annotated = {t.pk: t.status for t in Task.objects.with_status(today)}
    for t in Task.objects.all():
        assert annotated[t.pk] == t.status(today)
    assert [t.status for t in Task.objects.with_status(today).order_by("status_rank", "pk")] == \
        [OVERDUE, DUE_SOON, IN_PROGRESS, LATE, ON_TIME]
    assert actions.is_completed(LATE)


def test_completion_rate_of_a_unit_for_a_period(make_task, tree):
    """Unit A in Q1 2025: on time, late, overdue, and one still within the deadline → 2 / 3."""
    from dxboard.steering.models import Task

    on_time = make_task(deadline=D(2025, 1, 31))
    late = make_task(deadline=D(2025, 2, 1))  # Tết → 3/2
    overdue = make_task(deadline=D(2025, 3, 14))
    make_task(deadline=D(2025, 3, 31))  # still within its deadline on 20/3
    make_task(deadline=D(2025, 4, 15))  # outside the period
    make_task(lead="B", deadline=D(2025, 3, 1))  # another unit
    Task.objects.filter(pk=on_time.pk).update(completed_on=D(2025, 1, 20))
    Task.objects.filter(pk=late.pk).update(completed_on=D(2025, 2, 4))
    as_of = D(2025, 3, 20)
    assert rates_mod.completion_rate(tree["A"], D(2025, 1, 1), D(2025, 3, 31), as_of=as_of) == pytest.approx(2 / 3)
    r = rates_mod.unit_rates(tree["A"], D(2025, 1, 1), D(2025, 3, 31), as_of=as_of)
    assert (r.on_time, r.late, r.overdue, r.in_progress) == (1, 1, 1, 1)
    assert r.on_time_share == pytest.approx(1 / 3)
    assert overdue.status(as_of) == OVERDUE
    # On 3 February the Tết task was still within its deadline: not counted yet
    assert rates_mod.unit_rates(tree["A"], D(2025, 1, 1), D(2025, 2, 28), as_of=D(2025, 2, 3)).denominator == 1
    assert rates_mod.completion_rate(tree["D"], D(2025, 1, 1), D(2025, 3, 31)) is None


def test_league_table_with_change_since_last_period(make_task, tree):
    from dxboard.steering.models import Task
    from dxboard.steering.rates import Period, league_table

    a1 = make_task(lead="A", deadline=D(2025, 2, 28))
    make_task(lead="A", deadline=D(2025, 5, 30))
    b1 = make_task(lead="B", deadline=D(2025, 2, 28))
    b2 = make_task(lead="B", deadline=D(2025, 5, 30))
    Task.objects.filter(pk__in=[b1.pk, b2.pk]).update(completed_on=D(2025, 2, 1))
    Task.objects.filter(pk=a1.pk).update(completed_on=D(2025, 2, 1))
    rows = league_table(Period("quarter", 2025, 2), as_of=D(2025, 7, 1))
    assert [(r["unit"].code, r["rank"], r["rates"].rate, r["change"]) for r in rows] == [
        ("09187", 1, 1.0, 0.0), ("07210", 2, 0.0, -100.0)]


def test_periods():
    from dxboard.steering.rates import Period

    assert Period.parse("2026-Q1").end == D(2026, 3, 31)
    assert Period.parse("2026-02").previous() == Period("month", 2026, 1)
    assert Period.parse("2026-01").previous() == Period("month", 2025, 12)
    assert Period("quarter", 2026, 1).previous() == Period("quarter", 2025, 4)
    assert Period.parse("2025").start == D(2025, 1, 1)
    assert Period.parse("junk", "month", today=D(2025, 5, 9)) == Period("month", 2025, 5)


def test_loading_the_calendar_again_moves_effective_deadlines(make_task):
    from dxboard.steering.models import Task
    from dxboard.workdays.loader import load_holidays
    from dxboard.workdays.models import Holiday

    Holiday.objects.all().delete()
    task = make_task(deadline=D(2025, 1, 29))  # created while the calendar is empty: a plain Wednesday
    assert task.effective_deadline == D(2025, 1, 29)
    load_holidays()
    assert Task.objects.get(pk=task.pk).effective_deadline == D(2025, 2, 3)
