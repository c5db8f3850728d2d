"""Reporting periods as keys: weekly `2026-W05` (ISO week, Monday to Sunday), monthly `2026-03`,
quarterly `2026-Q1`, yearly `2026`. A key names its start and end days."""

import datetime
import re

from django.utils.translation import gettext_noop

from dxboard.core.i18n import Message

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


# One msgid per month: English writes "November 2026", Vietnamese "tháng 11/2026".
_MONTHS = [gettext_noop("January %(year)s"), gettext_noop("February %(year)s"), gettext_noop("March %(year)s"),
           gettext_noop("April %(year)s"), gettext_noop("May %(year)s"), gettext_noop("June %(year)s"),
           gettext_noop("July %(year)s"), gettext_noop("August %(year)s"), gettext_noop("September %(year)s"),
           gettext_noop("October %(year)s"), gettext_noop("November %(year)s"), gettext_noop("December %(year)s")]


def label(key):
    """A period key in words, in the reader's language ("tuần 48/2026", "week 48, 2026"; "tháng 11/2026",
    "November 2026"; "quý 3/2026"; "năm 2026"): a Message, so a stored notification keeps it readable in
    either language. A key that is no period is returned as it is."""
    try:
        frequency, start, _end = parse(key)
    except ValueError:
        return key
    if frequency == WEEKLY:
        year, week, _d = start.isocalendar()
        return Message(gettext_noop("week %(week)s, %(year)s"), {"week": week, "year": year})
    if frequency == MONTHLY:
        return Message(_MONTHS[start.month - 1], {"year": start.year})
    if frequency == QUARTERLY:
        return Message(gettext_noop("quarter %(quarter)s, %(year)s"),
                       {"quarter": (start.month - 1) // 3 + 1, "year": start.year})
    return Message(gettext_noop("year %(year)s"), {"year": start.year})


def recent(frequency: str, day: datetime.date, count: int) -> list[str]:
    """The keys of the `count` periods of `frequency` up to the one holding `day`, latest first (the
    choices of a period picker)."""
    keys = [key_for(day, frequency)]
    while len(keys) < count:
        keys.append(previous(keys[-1]))
    return keys
