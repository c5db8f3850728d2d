"""Reporting periods as keys: weekly `2026-W05` (ISO week, Monday to Sunday), monthly `2026-03`,
quarterly `2026-Q1`, yearly `2026`. A key names its start and end days."""

import datetime
import re

WEEKLY, MONTHLY, QUARTERLY, YEARLY = "weekly", "monthly", "quarterly", "yearly"

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def _month_end(year: int, month: int) -> datetime.date:
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def parse(key: str) -> tuple[str, datetime.date, datetime.date]:
    """(frequency, start, end) of a period key; ValueError for anything else."""
    key = str(key).strip().upper()
    if m := _WEEK.match(key):
        start = datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return WEEKLY, start, start + datetime.timedelta(days=6)
    if m := _QUARTER.match(key):
        year, q = int(m[1]), int(m[2])
        return QUARTERLY, datetime.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)
    if m := _MONTH.match(key):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(key)
        return MONTHLY, datetime.date(year, month, 1), _month_end(year, month)
    if m := _YEAR.match(key):
        year = int(m[1])
        return YEARLY, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    raise ValueError(key)


def key_for(day: datetime.date, frequency: str) -> str:
    if frequency == WEEKLY:
        year, week, _d = day.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == MONTHLY:
        return f"{day.year}-{day.month:02d}"
    if frequency == QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def previous(key: str) -> str:
    frequency, start, _end = parse(key)
    return key_for(start - datetime.timedelta(days=1), frequency)


def year_range(period: str) -> tuple[datetime.date, datetime.date]:
    """The days a campaign period covers: a year (2026) or a month (2026-06)."""
    _f, start, end = parse(period)
    return start, end
