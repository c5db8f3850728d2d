"""Changes to the working-day calendar from the standing office's page: atomic, audited, admin only.

Like the YAML loader, each change sends `signals.calendar_changed` inside its transaction, so that the
dates derived from the calendar (the effective deadlines of steering tasks) move with it, or not at all
when the change rolls back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_noop

from dxboard.accounts.permissions import is_admin
from dxboard.audit.log import record, snapshot
from dxboard.core.i18n import Message
from dxboard.core.text import parse_date

from .models import Holiday
from .signals import calendar_changed

SATURDAY, SUNDAY = 5, 6


class ActionError(ValueError):
    """A refused action, with a message in the language of whoever reads it."""


class NotAllowed(ActionError, PermissionError):
    pass


class InvalidDay(ActionError):
    """The day's fields that are wrong: {field name: message}. Nothing was saved."""

    def __init__(self, errors: dict):
        self.errors = errors
        # lazy, like each message: read in the language of whoever reads it
        super().__init__(format_lazy("; ".join(["{}"] * len(errors)), *errors.values()))


def _require_admin(user) -> None:
    if not is_admin(user):
        raise NotAllowed(Message(gettext_noop("Only the standing office may change the working-day calendar.")))


def _label(field: str):
    return Holiday._meta.get_field(field).verbose_name  # lazy: each half of the message in its language


def clean_day(*, date, name, name_en="", kind=Holiday.Kind.HOLIDAY, source="", provisional=False) -> dict:
    """The fields of a calendar day, checked; InvalidDay names every wrong field."""
    errors = {}
    day = parse_date(date)
    if day is None:
        errors["date"] = Message(gettext_noop("“%(field)s”: “%(value)s” is not a date (dd/mm/yyyy)."),
                                   {"field": _label("date"), "value": str(date or "")[:40]})
    name, name_en, source = (str(v or "").strip() for v in (name, name_en, source))
    if not name:
        errors["name"] = Message(gettext_noop("“%(field)s” is required."), {"field": _label("name")})
    for field, value, limit in (("name", name, 200), ("name_en", name_en, 200), ("source", source, 300)):
        if len(value) > limit:
            errors[field] = Message(gettext_noop("“%(field)s” is longer than %(limit)s characters."),
                                      {"field": _label(field), "limit": limit})
    if kind not in Holiday.Kind.values:
        errors["kind"] = Message(gettext_noop("“%(field)s”: “%(value)s” is not a kind of day."),
                                   {"field": _label("kind"), "value": str(kind)[:40]})
    elif kind == Holiday.Kind.MAKEUP_WORKDAY and day is not None and day.weekday() not in (SATURDAY, SUNDAY):
        # A weekday is a working day already; a holiday on a weekend is legal (Tết runs over weekends).
        errors["date"] = Message(gettext_noop(
            "“%(field)s”: a make-up working day must be a Saturday or a Sunday; %(date)s is a weekday."),
            {"field": _label("date"), "date": f"{day:%d/%m/%Y}"})
    if errors:
        raise InvalidDay(errors)
    return {"date": day, "name": name, "name_en": name_en, "kind": kind, "source": source,
            "provisional": bool(provisional)}


@transaction.atomic
def save_day(*, acting_user, date, name, name_en="", kind=Holiday.Kind.HOLIDAY, source="",
             provisional=False, expect_new: bool = False) -> Holiday:
    """Add a day to the calendar, or change the day already held for that date (one row per date).
    With `expect_new` (the page's "add a day" form) a date already held is refused, not overwritten."""
    _require_admin(acting_user)
    fields = clean_day(date=date, name=name, name_en=name_en, kind=kind, source=source, provisional=provisional)
    day = Holiday.objects.select_for_update().filter(date=fields["date"]).first() or Holiday(date=fields["date"])
    if day.pk and expect_new:
        raise InvalidDay({"date": Message(
            gettext_noop("“%(field)s”: %(date)s is already in the calendar (“%(name)s”); edit that day instead."),
            {"field": _label("date"), "date": f"{day.date:%d/%m/%Y}", "name": day.name})})
    before = snapshot(day) if day.pk else None
    for field, value in fields.items():
        setattr(day, field, value)
    if before is not None and snapshot(day) == before:
        return day  # nothing changed: no audit row, nothing to recompute
    day.save()
    record(actor=acting_user, action="workdays.day.save", obj=day, before=before, after=snapshot(day))
    calendar_changed.send(sender=Holiday, years=[day.date.year])
    return day


@transaction.atomic
def delete_day(*, acting_user, holiday: Holiday) -> None:
    """Remove a day from the calendar: the date becomes an ordinary weekday or weekend day again."""
    _require_admin(acting_user)
    day = Holiday.objects.select_for_update().filter(pk=holiday.pk).first()
    if day is None:
        return  # removed meanwhile
    year = day.date.year
    record(actor=acting_user, action="workdays.day.delete", obj=day, before=snapshot(day))
    day.delete()
    calendar_changed.send(sender=Holiday, years=[year])
