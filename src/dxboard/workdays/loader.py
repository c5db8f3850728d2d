"""Loading the holiday calendar from YAML (idempotent: a date's row is updated, never duplicated)."""

import datetime
from pathlib import Path

import yaml
from django.db import transaction

from .models import Holiday

DEFAULT_FILE = Path(__file__).resolve().parent / "fixtures" / "vn-holidays.yaml"


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


@transaction.atomic
def load_holidays(path: Path | str = DEFAULT_FILE, years: list[int] | None = None) -> int:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    count = 0
    loaded: list[int] = []
    for year, block in (data.get("years") or {}).items():
        if years and int(year) not in years:
            continue
        loaded.append(int(year))
        source = block.get("source", "")
        for row in block.get("days", []):
            day = _as_date(row["date"])
            if day.year != int(year):
                raise ValueError(f"{day} listed under {year}")
            kind = row.get("kind", Holiday.Kind.HOLIDAY)
            if kind not in Holiday.Kind.values:
                raise ValueError(f"{day}: unknown kind {kind!r}")
            Holiday.objects.update_or_create(date=day, defaults={
                "name": row["name"], "name_en": row.get("en", ""), "kind": kind,
                "source": (f"{source}; {row['note']}" if row.get("note") else source)[:300],
                "provisional": bool(row.get("provisional", False))})
            count += 1
    from .signals import calendar_changed

    calendar_changed.send(sender=Holiday, years=loaded)
    return count
