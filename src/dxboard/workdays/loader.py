"""Loading the holiday calendar from YAML (idempotent: a date's row is updated, never duplicated).

After the first install the standing office keeps the calendar on its page (workdays/actions.py). A later
load (e.g. the shipped file gaining next year's holidays) must not undo what the office decided: dates the
office saved or deleted on the page (their audit rows say so) are kept as the office left them, unless
`force`. Every day the loader adds or changes is audited (actor: none, action "workdays.load").
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from dxboard.audit.log import record, snapshot
from dxboard.audit.models import AuditEntry

from .models import Holiday

DEFAULT_FILE = Path(__file__).resolve().parent / "fixtures" / "vn-holidays.yaml"
OFFICE_ACTIONS = ("workdays.day.save", "workdays.day.delete")


@dataclass
class Loaded:
    """What a load did: the days of the file it applied, and the dates it left as the office set them."""

    count: int = 0
    kept: list[datetime.date] = field(default_factory=list)


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def office_dates(years: list[int]) -> set[datetime.date]:
    """Dates of these years that the standing office saved or deleted on its page."""
    found = set()
    for before, after in AuditEntry.objects.filter(action__in=OFFICE_ACTIONS).values_list("before", "after"):
        for state in (before, after):
            if state and state.get("date"):
                day = _as_date(state["date"])
                if day.year in years:
                    found.add(day)
    return found


@transaction.atomic
def load_holidays(path: Path | str = DEFAULT_FILE, years: list[int] | None = None, *, force: bool = False) -> Loaded:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    blocks = {int(year): block for year, block in (data.get("years") or {}).items()
              if not years or int(year) in years}
    protected = set() if force else office_dates(list(blocks))
    result = Loaded()
    for year, block in blocks.items():
        source = block.get("source", "")
        for row in block.get("days", []):
            day = _as_date(row["date"])
            if day.year != year:
                raise ValueError(f"{day} listed under {year}")
            kind = row.get("kind", Holiday.Kind.HOLIDAY)
            if kind not in Holiday.Kind.values:
                raise ValueError(f"{day}: unknown kind {kind!r}")
            if day in protected:
                result.kept.append(day)
                continue
            values = {"name": row["name"], "name_en": row.get("en", ""), "kind": kind,
                      "source": (f"{source}; {row['note']}" if row.get("note") else source)[:300],
                      "provisional": bool(row.get("provisional", False))}
            holiday = Holiday.objects.filter(date=day).first() or Holiday(date=day)
            before = snapshot(holiday) if holiday.pk else None
            for name, value in values.items():
                setattr(holiday, name, value)
            if before is None or snapshot(holiday) != before:
                holiday.save()
                record(actor=None, action="workdays.load", obj=holiday, before=before, after=snapshot(holiday))
            result.count += 1
    from .signals import calendar_changed

    calendar_changed.send(sender=Holiday, years=list(blocks))
    return result
