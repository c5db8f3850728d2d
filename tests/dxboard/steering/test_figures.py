"""The figures a leader reads on the summary and the league table, recomputed by hand from the raw rows of
a small case: two units, a quarter, the quarter before, as of 20/06/2025.

Unit A, quarter II: on time (10/04, done 09/04), late (14/05, done 20/05), overdue (11/06, open).
Unit B, quarter II: on time (15/04, done 15/04), on time (18/06, done 17/06), due soon (25/06, open).
Quarter I: A on time (12/03, done 10/03); B overdue (12/03, open). July (not counted): A open (09/07).
All deadlines are working days (Wednesdays and Thursdays outside the holidays), so effective = deadline."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from dxboard.steering import excel, summary
from dxboard.steering.models import Task
from dxboard.steering.rates import Period, league_table

D = datetime.date
AS_OF = D(2025, 6, 20)
Q2 = Period("quarter", 2025, 2)


@pytest.fixture
def case(make_task):
    rows = [  # lead, deadline, completed on
        ("A", D(2025, 4, 10), D(2025, 4, 9)), ("A", D(2025, 5, 14), D(2025, 5, 20)), ("A", D(2025, 6, 11), None),
        ("B", D(2025, 4, 15), D(2025, 4, 15)), ("B", D(2025, 6, 18), D(2025, 6, 17)), ("B", D(2025, 6, 25), None),
        ("A", D(2025, 3, 12), D(2025, 3, 10)), ("B", D(2025, 3, 12), None), ("A", D(2025, 7, 9), None),
    ]
    tasks = []
    for i, (lead, deadline, done) in enumerate(rows):
        task = make_task(lead=lead, deadline=deadline, title=f"Việc {i} của {lead}")
        Task.objects.filter(pk=task.pk).update(completed_on=done)
        tasks.append(task)
    assert all(t.effective_deadline == t.deadline for t in tasks)  # the case holds no day off
    return tasks


def test_the_summary_counts_by_status_and_its_rates(case):
    figures = summary.build(Q2, as_of=AS_OF)
    total = figures["total"]
    # quarter II: on time A1 + B2 = 3; late A = 1; overdue A = 1; B's due-soon task is not counted yet
    assert (total.on_time, total.late, total.overdue, total.in_progress) == (1 + 2, 1, 1, 1)
    assert total.completed == 3 + 1 and total.denominator == 3 + 1 + 1
    assert total.rate == pytest.approx((1 + 1 + 2) / (3 + 1 + 1))  # completed / (completed + overdue)
    assert total.on_time_share == pytest.approx((1 + 2) / 5)
    assert [t.title for t in figures["overdue"]] == ["Việc 2 của A"]
    previous = figures["previous"]  # quarter I: A done on time, B overdue
    assert (previous.completed, previous.overdue, previous.rate) == (1, 1, 1 / 2)


def test_the_league_ranks_units_by_completion_rate_with_the_change(case, tree):
    league = league_table(Q2, as_of=AS_OF)
    assert [(row["rank"], row["unit"]) for row in league] == [(1, tree["B"]), (2, tree["A"])]
    b, a = league
    assert (b["rates"].completed, b["rates"].overdue, b["rates"].rate) == (2, 0, 2 / 2)
    assert (a["rates"].completed, a["rates"].on_time, a["rates"].overdue) == (2, 1, 1)
    assert a["rates"].rate == pytest.approx(2 / 3) and a["rates"].on_time_share == pytest.approx(1 / 3)
    # change in percentage points against quarter I: B 0 % → 100 %, A 100 % → 66.7 %
    assert b["change"] == round((2 / 2 - 0 / 1) * 100, 1) == 100.0
    assert a["change"] == round((2 / 3 - 1 / 1) * 100, 1) == -33.3


def test_the_workbook_carries_the_same_figures(case, tree):
    wb = load_workbook(io.BytesIO(excel.summary_workbook(summary.build(Q2, as_of=AS_OF))))
    values = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(values_only=True)}
    assert values["Nhiệm vụ đến hạn"] == 5 and values["Hoàn thành"] == 4 and values["Trong đó đúng hạn"] == 3
    assert values["Quá hạn chưa hoàn thành"] == 1
    assert values["Tỷ lệ hoàn thành (%)"] == round(4 / 5 * 100, 1)
    assert values["Tỷ lệ đúng hạn (%)"] == round(3 / 5 * 100, 1)
    units = list(wb["Đơn vị"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[5]) for r in units] == [(1, tree["B"].name, 100.0), (2, tree["A"].name,
                                                                                 round(2 / 3 * 100, 1))]
