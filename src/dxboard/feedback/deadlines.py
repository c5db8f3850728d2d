"""Deadlines on the working-day calendar (dxboard.workdays): days for ordinary reports, hours for
urgent ones. A deadline in days ends at the close of the n-th working day after receipt; one in hours
that falls on a day off moves to the next working day at the same time."""

import datetime

from django.utils import timezone

from dxboard.workdays.calendar import Calendar

END_OF_DAY = datetime.time(23, 59, 59)


def deadline_for(category, urgent: bool, start: datetime.datetime, calendar: Calendar | None = None,
                 extra_days: int = 0) -> datetime.datetime:
    calendar = calendar or Calendar()
    tz = timezone.get_current_timezone()
    local = timezone.localtime(start, tz)
    if urgent and category.deadline_hours:
        due = local + datetime.timedelta(hours=category.deadline_hours)
        day = calendar.next_working_day(due.date())
        if day != due.date():
            due = datetime.datetime.combine(day, due.time(), tzinfo=tz)
        return due
    day = calendar.add_working_days(local.date(), int(category.deadline_days) + extra_days)
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=tz)


def extend(deadline: datetime.datetime, working_days: int, calendar: Calendar | None = None) -> datetime.datetime:
    calendar = calendar or Calendar()
    local = timezone.localtime(deadline)
    day = calendar.add_working_days(local.date(), working_days)
    return datetime.datetime.combine(day, local.time(), tzinfo=local.tzinfo)
