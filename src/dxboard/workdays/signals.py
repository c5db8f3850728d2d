"""Sent after the holiday table changes, so that modules keeping dates derived from the calendar
(e.g. the effective deadlines of tasks) can bring them up to date."""

from django.dispatch import Signal

calendar_changed = Signal()  # kwargs: years (list[int])
