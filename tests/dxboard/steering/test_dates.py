"""A task cannot be due before it starts: refused by the action on every path (the form, the Excel import,
a correction), naming the deadline, in the reader's language, with nothing written."""

import datetime

import pytest
from django.utils import translation

from dxboard.audit.models import AuditEntry
from dxboard.steering import actions, excel
from dxboard.steering.models import RecurrenceRule, Task

from .test_excel import GOOD, filled

D = datetime.date


def test_the_action_refuses_a_deadline_before_the_start(plan, personas, tree):
    count, audited = Task.objects.count(), AuditEntry.objects.count()
    with pytest.raises(actions.ActionError) as refused:
        actions.create_task(acting_user=personas["admin"], plan=plan, title="Ngược ngày", lead_unit=tree["A"],
                            start_date=D(2025, 7, 1), deadline=D(2025, 6, 30))
    assert refused.value.field == "deadline"
    with translation.override("vi"):
        assert str(refused.value) == "Thời hạn (30/06/2025) trước ngày bắt đầu (01/07/2025)."
    with translation.override("en"):
        assert str(refused.value) == "The deadline (30/06/2025) is before the start date (01/07/2025)."
    assert Task.objects.count() == count and AuditEntry.objects.count() == audited


def test_a_task_due_the_day_it_starts_is_taken(plan, personas, tree):
    task = actions.create_task(acting_user=personas["admin"], plan=plan, title="Một ngày", lead_unit=tree["A"],
                               start_date=D(2025, 6, 30), deadline=D(2025, 6, 30))
    assert task.start_date == task.deadline == D(2025, 6, 30)


@pytest.mark.parametrize("frequency", ["", "monthly"])
def test_the_form_shows_the_refusal_on_the_deadline(login, personas, plan, tree, frequency):
    rules = RecurrenceRule.objects.count()
    r = login(personas["admin"]).post(f"/steering/plans/{plan.pk}/tasks/new/", {
        "title": "Ngược ngày", "pillar": "government", "lead_unit": tree["A"].pk, "start_date": "2025-07-01",
        "deadline": "2025-06-30", "priority": "normal", "frequency": frequency, "working_day": 5})
    assert r.status_code == 200
    assert r.context["form"].errors["deadline"] == ["Thời hạn (30/06/2025) trước ngày bắt đầu (01/07/2025)."]
    assert not Task.objects.filter(title__startswith="Ngược ngày").exists()
    assert RecurrenceRule.objects.count() == rules  # nothing left behind


def test_the_excel_import_refuses_the_row_on_the_deadline_column(tree, personas, holidays):
    row = list(GOOD[0])
    row[7], row[8] = D(2025, 7, 1), D(2025, 6, 30)  # H: start, I: deadline
    errors = excel.parse(filled([row]))["errors"]
    assert [(e["row"], e["letter"]) for e in errors] == [(2, "I")]
    with translation.override("vi"):
        assert str(errors[0]["message"]) == "Hạn hoàn thành trước ngày bắt đầu."
    with translation.override("en"):
        assert str(errors[0]["message"]) == "The deadline is before the start date."
    with pytest.raises(actions.ActionError):
        excel.apply(acting_user=personas["admin"], data=filled([row]), plan_fields={
            "unit": tree["P"], "title": "KH ngược", "year": 2025, "start": D(2025, 1, 1), "end": D(2025, 12, 31)},
            document_fields=None)
    assert not Task.objects.filter(title=row[1]).exists()


def test_a_correction_cannot_move_the_start_after_the_deadline(make_task, personas):
    task = make_task(deadline=D(2025, 6, 30))
    with pytest.raises(actions.ActionError) as refused:
        actions.update_task(acting_user=personas["admin"], task=task, start_date=D(2025, 8, 1))
    assert refused.value.field == "deadline"
    task.refresh_from_db()
    assert task.start_date is None
