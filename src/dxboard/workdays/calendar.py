"""Working days: weekends, public holidays and make-up working days loaded as data (`Holiday`).

Shared by the steering programme (deadlines, reminders) and the feedback module (handling time).
Every function reads the calendar afresh; for loops over many dates build one `Calendar` and use its
methods, which read each year once.
"""

import datetime

ONE_DAY = datetime.timedelta(days=1)


class Calendar:
    """A snapshot of the holiday table, read lazily one year at a time."""

    def __init__(self, holidays: dict[datetime.date, str] | None = None):
        # date → kind; when given explicitly (tests, previews) the database is not read at all
        self._fixed = holidays is not None
        self._days: dict[datetime.date, str] = dict(holidays or {})
        self._years: set[int] = set()

    def _load(self, year: int) -> None:
        if self._fixed or year in self._years:
            return
        from .models import Holiday

        for day, kind in Holiday.objects.filter(date__year=year).values_list("date", "kind"):
            self._days[day] = kind
        self._years.add(year)

    def is_working_day(self, day: datetime.date) -> bool:
        from .models import Holiday

        self._load(day.year)
        kind = self._days.get(day)
        if kind == Holiday.Kind.MAKEUP_WORKDAY:
            return True
        if kind == Holiday.Kind.HOLIDAY:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `day` (before it when n < 0); n = 0 gives `day` rolled forward
        to a working day."""
        if n == 0:
            return self.next_working_day(day)
        step = ONE_DAY if n > 0 else -ONE_DAY
        left = abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def nth_working_day(self, year: int, month: int, n: int) -> datetime.date:
        """The n-th working day of a month (n ≥ 1); n = -1 is the last one."""
        if n == 0:
            raise ValueError("n must not be 0")
        if n > 0:
            day = datetime.date(year, month, 1)
            seen = 0
            while day.month == month:
                if self.is_working_day(day):
                    seen += 1
                    if seen == n:
                        return day
                day += ONE_DAY
            raise ValueError(f"{year}-{month:02d} has fewer than {n} working days")
        day = (datetime.date(year + month // 12, month % 12 + 1, 1)) - ONE_DAY
        seen = 0
        while day.month == month:
            if self.is_working_day(day):
                seen += 1
                if seen == -n:
                    return day
            day -= ONE_DAY
        raise ValueError(f"{year}-{month:02d} has fewer than {-n} working days")

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days in the half-open interval (a, b]: 0 when b == a, negative when b < a."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a
        while day < b:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def effective_deadline(self, deadline: datetime.date) -> datetime.date:
        """A deadline falling on a day off moves to the next working day (Civil Code 2015, art. 148)."""
        return self.next_working_day(deadline)


def is_working_day(d: datetime.date) -> bool:
    return Calendar().is_working_day(d)


def next_working_day(d: datetime.date) -> datetime.date:
    return Calendar().next_working_day(d)


def add_working_days(d: datetime.date, n: int) -> datetime.date:
    return Calendar().add_working_days(d, n)


def nth_working_day(year: int, month: int, n: int) -> datetime.date:
    return Calendar().nth_working_day(year, month, n)


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    return Calendar().working_days_between(a, b)


def effective_deadline(d: datetime.date) -> datetime.date:
    return Calendar().effective_deadline(d)
