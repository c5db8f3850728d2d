"""Dates as the offices write them, read the same way by every importer and form (steering and IT
registry Excel files, the working-day calendar)."""

import datetime

import pytest

from dxboard.core.text import parse_date

D = datetime.date


@pytest.mark.parametrize("written", ["31/12/2025", "2025-12-31", "31-12-2025", "31.12.2025", " 31/12/2025 ",
                                     D(2025, 12, 31), datetime.datetime(2025, 12, 31, 0, 0)])
def test_every_accepted_spelling_is_the_same_day(written):
    assert parse_date(written) == D(2025, 12, 31)


@pytest.mark.parametrize("written", ["", None, "12/31/2025", "31/12/25", "hôm nay", "2025-02-30", 45000])
def test_anything_else_is_not_a_date(written):
    assert parse_date(written) is None
