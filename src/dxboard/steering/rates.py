"""Completion rates per unit, per plan and per period (the national formula, see status.py).

A task counts in a period when its effective deadline falls in the period; its status is taken on
`as_of` (today by default). Only the lead unit answers for a task.
"""

import calendar as pycal
import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Task
from .status import Rates, rates, task_status


@dataclasses.dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    year: int
    number: int = 1  # month 1–12, quarter 1–4, 1 for a year

    @property
    def start(self) -> datetime.date:
        month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]
        return datetime.date(self.year, month, 1)

    @property
    def end(self) -> datetime.date:
        month = {"month": self.number, "quarter": 3 * self.number, "year": 12}[self.kind]
        return datetime.date(self.year, month, pycal.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("month %(m)s/%(y)s") % {"m": f"{self.number:02d}", "y": self.year}
        if self.kind == "quarter":
            return _("quarter %(q)s/%(y)s") % {"q": self.number, "y": self.year}
        return _("year %(y)s") % {"y": self.year}

    @property
    def slug(self) -> str:
        return {"month": f"{self.year}-{self.number:02d}", "quarter": f"{self.year}-Q{self.number}",
                "year": str(self.year)}[self.kind]

    def previous(self) -> "Period":
        size = {"month": 12, "quarter": 4, "year": 1}[self.kind]
        if self.kind == "year":
            return Period("year", self.year - 1)
        if self.number == 1:
            return Period(self.kind, self.year - 1, size)
        return Period(self.kind, self.year, self.number - 1)

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> "Period":
        number = {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "year": 1}[kind]
        return cls(kind, day.year, number)

    @classmethod
    def parse(cls, text: str | None, default_kind: str = "quarter", today: datetime.date | None = None) -> "Period":
        """"2026-03", "2026-Q1" or "2026"; anything else gives the period containing today."""
        text = (text or "").strip().upper()
        try:
            if len(text) == 4 and text.isdigit():
                return cls("year", int(text))
            if "-Q" in text:
                y, q = text.split("-Q")
                if 1 <= int(q) <= 4:
                    return cls("quarter", int(y), int(q))
            elif "-" in text:
                y, m = text.split("-")
                if 1 <= int(m) <= 12:
                    return cls("month", int(y), int(m))
        except ValueError:
            pass
        return cls.containing(default_kind, today or timezone.localdate())


def recent_periods(today: datetime.date, chosen: Period) -> list[Period]:
    """The periods offered to choose from, newest first: this year and the last, their quarters, the last
    twelve months (and `chosen`, if it is none of them)."""
    years = [Period("year", today.year), Period("year", today.year - 1)]
    quarters = [Period.containing("quarter", today)]
    months = [Period.containing("month", today)]
    while len(quarters) < 8:
        quarters.append(quarters[-1].previous())
    while len(months) < 12:
        months.append(months[-1].previous())
    offered = [*years, *quarters, *months]
    return offered if chosen in offered else [chosen, *offered]


def _rows(queryset, start, end):
    return (queryset.countable().filter(effective_deadline__gte=start, effective_deadline__lte=end)
            .values_list("lead_unit_id", "plan_id", "effective_deadline", "completed_on"))


def completion_rate(unit, period_start: datetime.date, period_end: datetime.date,
                    as_of: datetime.date | None = None) -> float | None:
    """The completion rate (0–1, None when nothing was due) of the tasks `unit` leads whose deadline
    falls in the period. Called by the index for indicators with source `tasks`."""
    return unit_rates(unit, period_start, period_end, as_of).rate


def unit_rates(unit, period_start, period_end, as_of=None) -> Rates:
    as_of = as_of or timezone.localdate()
    rows = _rows(Task.objects.filter(lead_unit=unit), period_start, period_end)
    return rates(task_status(d, c, as_of) for _u, _p, d, c in rows)


def rates_by(queryset, period_start, period_end, key: str = "unit", as_of=None) -> dict[int, Rates]:
    """{unit id or plan id: Rates} over the tasks of `queryset` due in the period."""
    as_of = as_of or timezone.localdate()
    grouped: dict[int, list[str]] = {}
    for unit_id, plan_id, deadline, completed in _rows(queryset, period_start, period_end):
        grouped.setdefault(unit_id if key == "unit" else plan_id, []).append(task_status(deadline, completed, as_of))
    return {k: rates(v) for k, v in grouped.items()}


def league_table(period: Period, queryset=None, as_of=None) -> list[dict]:
    """Units ranked by completion rate in `period`, with the change since the previous period (in
    percentage points; None when either is unknown)."""
    from dxboard.units.models import Unit

    queryset = queryset if queryset is not None else Task.objects.all()
    now = rates_by(queryset, period.start, period.end, as_of=as_of)
    prev_period = period.previous()
    before = rates_by(queryset, prev_period.start, prev_period.end, as_of=as_of)
    units = Unit.objects.in_bulk(list(now))
    rows = []
    for unit_id, r in now.items():
        p = before.get(unit_id)
        change = None
        if r.rate is not None and p is not None and p.rate is not None:
            change = round((r.rate - p.rate) * 100, 1)
        rows.append({"unit": units[unit_id], "rates": r, "previous": p, "change": change})
    rows.sort(key=lambda row: (row["rates"].rate is None, -(row["rates"].rate or 0),
                               -(row["rates"].on_time_share or 0), row["unit"].name))
    rank = 0
    for i, row in enumerate(rows, 1):
        if row["rates"].rate is not None:
            rank = i
        row["rank"] = rank if row["rates"].rate is not None else None
    return rows


def total_rates(queryset, period: Period, as_of=None) -> Rates:
    as_of = as_of or timezone.localdate()
    return rates(task_status(d, c, as_of) for _u, _p, d, c in _rows(queryset, period.start, period.end))
