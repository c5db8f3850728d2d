"""The working-day calendar on hand-made and shipped data: weekends, Tết 2025, swapped days."""

import datetime

import pytest
from django.core.management import call_command

from dxboard.workdays import calendar as cal
from dxboard.workdays.calendar import Calendar
from dxboard.workdays.models import Holiday

D = datetime.date


@pytest.fixture
def vn(db):
    call_command("workdays", "load")


def test_the_command_loads_2025_and_2026_idempotently(vn):
    n = Holiday.objects.count()
    call_command("workdays", "load")
    assert Holiday.objects.count() == n > 30
    assert Holiday.objects.get(date=D(2025, 1, 29)).kind == Holiday.Kind.HOLIDAY
    assert Holiday.objects.get(date=D(2025, 4, 26)).kind == Holiday.Kind.MAKEUP_WORKDAY
    assert Holiday.objects.filter(date__year=2026, provisional=True).exists()
    assert "Bộ luật Lao động 2019" in Holiday.objects.get(date=D(2025, 9, 2)).source


def test_tet_2025_is_off_from_25_january_to_2_february(vn):
    assert [d for d in (D(2025, 1, 24) + datetime.timedelta(days=i) for i in range(12)) if cal.is_working_day(d)] == \
        [D(2025, 1, 24), D(2025, 2, 3), D(2025, 2, 4)]


def test_public_holidays_and_the_swapped_saturday(vn):
    for day in (D(2025, 1, 1), D(2025, 4, 7), D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2), D(2025, 9, 1),
                D(2025, 9, 2), D(2026, 4, 27)):
        assert not cal.is_working_day(day), day
    assert cal.is_working_day(D(2025, 4, 26))  # a Saturday, worked to make up for Friday 2 May
    assert not cal.is_working_day(D(2025, 4, 27))  # an ordinary Sunday
    assert cal.is_working_day(D(2025, 4, 29))


def test_add_working_days_across_tet(vn):
    assert cal.add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    assert cal.add_working_days(D(2025, 2, 3), -1) == D(2025, 1, 24)
    assert cal.add_working_days(D(2025, 1, 25), 0) == D(2025, 2, 3)
    assert cal.add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)  # the make-up Saturday
    assert cal.add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)


def test_nth_working_day(vn):
    assert cal.nth_working_day(2025, 1, 1) == D(2025, 1, 2)  # 1 January is a holiday
    assert cal.nth_working_day(2025, 1, 5) == D(2025, 1, 8)
    assert cal.nth_working_day(2025, 2, 5) == D(2025, 2, 7)
    assert cal.nth_working_day(2025, 5, 5) == D(2025, 5, 9)  # 1–2 May off, 3–4 weekend
    assert cal.nth_working_day(2025, 1, -1) == D(2025, 1, 24)  # the last working day before Tết
    with pytest.raises(ValueError):
        cal.nth_working_day(2025, 1, 30)


def test_working_days_between(vn):
    assert cal.working_days_between(D(2025, 1, 24), D(2025, 2, 3)) == 1
    assert cal.working_days_between(D(2025, 2, 3), D(2025, 1, 24)) == -1
    assert cal.working_days_between(D(2025, 3, 3), D(2025, 3, 3)) == 0
    assert cal.working_days_between(D(2025, 3, 3), D(2025, 3, 10)) == 5


def test_deadline_on_a_day_off_moves_to_the_next_working_day(vn):
    assert cal.effective_deadline(D(2025, 2, 1)) == D(2025, 2, 3)
    assert cal.effective_deadline(D(2025, 4, 26)) == D(2025, 4, 26)
    assert cal.effective_deadline(D(2025, 8, 31)) == D(2025, 9, 3)


def test_a_calendar_without_the_database():
    c = Calendar({D(2030, 1, 1): "holiday", D(2030, 1, 5): "makeup_workday"})
    assert not c.is_working_day(D(2030, 1, 1))
    assert c.is_working_day(D(2030, 1, 5))  # a Saturday made a working day
    assert c.nth_working_day(2030, 1, 1) == D(2030, 1, 2)
