"""The YAML loader after the office has used its page: what the office decided stays, every day the
loader writes is audited, and `--force` is the explicit way back to the file."""

import datetime
import io

from django.core.management import call_command

from dxboard.audit.models import AuditEntry
from dxboard.workdays import actions
from dxboard.workdays.loader import load_holidays
from dxboard.workdays.models import Holiday

D = datetime.date


def load(*args) -> str:
    out = io.StringIO()
    call_command("workdays", "load", *args, stdout=out)
    return out.getvalue()


def test_every_day_the_loader_writes_is_audited_and_a_reload_writes_nothing(db):
    load()
    days = Holiday.objects.count()
    assert days > 30 and AuditEntry.objects.filter(action="workdays.load").count() == days
    entry = AuditEntry.objects.get(action="workdays.load", object_id=str(Holiday.objects.get(date=D(2025, 9, 2)).pk))
    assert entry.before is None and entry.after["name"] == "Quốc khánh" and entry.actor is None
    load()
    assert AuditEntry.objects.filter(action="workdays.load").count() == days


def test_a_reload_keeps_what_the_office_changed_and_force_restores_the_file(holidays, personas):
    admin = personas["admin"]
    actions.save_day(acting_user=admin, date=D(2025, 9, 2), name="Quốc khánh (tên do Văn phòng sửa)")
    actions.delete_day(acting_user=admin, holiday=Holiday.objects.get(date=D(2025, 9, 1)))
    actions.save_day(acting_user=admin, date=D(2026, 6, 30), name="Nghỉ đột xuất")  # not in the file
    out = load()
    assert "02/09/2025" in out and "01/09/2025" in out and "--force" in out
    assert Holiday.objects.get(date=D(2025, 9, 2)).name == "Quốc khánh (tên do Văn phòng sửa)"
    assert not Holiday.objects.filter(date=D(2025, 9, 1)).exists()
    assert Holiday.objects.filter(date=D(2026, 6, 30)).exists()  # the loader never deletes
    # another year's load is not held back by this year's edits
    assert load_holidays(years=[2026]).kept == []

    load("--force")
    assert Holiday.objects.get(date=D(2025, 9, 2)).name == "Quốc khánh"
    assert Holiday.objects.filter(date=D(2025, 9, 1)).exists()
    restored = AuditEntry.objects.filter(action="workdays.load", after__date="2025-09-01")
    assert restored.count() == 2  # the first load, and the forced one after the office's deletion
