"""Task status and completion rates: derived, never typed.

The status of a task on a given day depends only on its effective deadline (the deadline rolled
forward to a working day), the date its completion was confirmed for, and that day:

    completed on time      completed_on ≤ effective deadline
    completed late         completed_on > effective deadline
    overdue                not completed and today > effective deadline
    due soon               not completed, deadline within DUE_SOON_DAYS
    in progress            not completed, within the deadline

The completion rate is the national formula of the task-monitoring system (Decision
42/2014/QĐ-TTg, amended in 2018): completed / (completed +
overdue not completed); tasks still within their deadline are left out. The on-time share is
completed on time over the same denominator.
"""

import dataclasses
import datetime

from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy, gettext_noop

DUE_SOON_DAYS = 7

ON_TIME = "completed_on_time"
LATE = "completed_late"
OVERDUE = "overdue"
DUE_SOON = "due_soon"
IN_PROGRESS = "in_progress"

EN_LABELS = {
    OVERDUE: gettext_noop("Overdue"),
    DUE_SOON: gettext_noop("Due soon"),
    IN_PROGRESS: gettext_noop("Not completed, within the deadline"),
    LATE: gettext_noop("Completed late"),
    ON_TIME: gettext_noop("Completed on time"),
}
LABELS = {k: gettext_lazy(v) for k, v in EN_LABELS.items()}
STATUSES = list(LABELS)  # also the "overdue first" order
RANK = {s: i for i, s in enumerate(STATUSES)}
COMPLETED = {ON_TIME, LATE}


def task_status(effective_deadline: datetime.date, completed_on: datetime.date | None,
                today: datetime.date) -> str:
    if completed_on is not None and completed_on <= today:  # a completion after `today` is not known yet
        return ON_TIME if completed_on <= effective_deadline else LATE
    if today > effective_deadline:
        return OVERDUE
    if (effective_deadline - today).days <= DUE_SOON_DAYS:
        return DUE_SOON
    return IN_PROGRESS


def annotate_status(queryset, today: datetime.date):
    """`status` and `status_rank` (0 = overdue … 4 = on time) as SQL, for filters and ordering."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    done = Q(completed_on__isnull=False, completed_on__lte=today)
    whens = [
        (done & Q(completed_on__lte=F("effective_deadline")), ON_TIME),
        (done, LATE),
        (Q(effective_deadline__lt=today), OVERDUE),
        (Q(effective_deadline__lte=soon), DUE_SOON),
    ]
    return queryset.annotate(
        status=Case(*[When(cond, then=Value(s)) for cond, s in whens], default=Value(IN_PROGRESS),
                    output_field=CharField()),
        status_rank=Case(*[When(cond, then=Value(RANK[s])) for cond, s in whens], default=Value(RANK[IN_PROGRESS]),
                         output_field=IntegerField()),
    )


@dataclasses.dataclass(frozen=True)
class Rates:
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    in_progress: int = 0  # within the deadline (due soon included): not counted

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def denominator(self) -> int:
        return self.completed + self.overdue

    @property
    def total(self) -> int:
        return self.denominator + self.in_progress

    @property
    def rate(self) -> float | None:
        """completed / (completed + overdue), in [0, 1]; None when nothing is due yet."""
        return self.completed / self.denominator if self.denominator else None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.denominator if self.denominator else None

    def as_dict(self) -> dict:
        return {"on_time": self.on_time, "late": self.late, "overdue": self.overdue, "in_progress": self.in_progress,
                "completed": self.completed, "total": self.total, "rate": self.rate,
                "on_time_share": self.on_time_share}


def rates(statuses) -> Rates:
    """The completion figures of a collection of task statuses (pure)."""
    counts = {ON_TIME: 0, LATE: 0, OVERDUE: 0, DUE_SOON: 0, IN_PROGRESS: 0}
    for s in statuses:
        counts[s] += 1
    return Rates(on_time=counts[ON_TIME], late=counts[LATE], overdue=counts[OVERDUE],
                 in_progress=counts[DUE_SOON] + counts[IN_PROGRESS])
