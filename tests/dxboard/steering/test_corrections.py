"""The standing office corrects tasks and plans after creating them: every field through the page, a
deadline corrected (not extended) and written apart in the audit log, a task entered by mistake
deleted while nobody has acted on it, recurring tasks, and everyone else refused with nothing changed."""

import datetime

import pytest
from django.utils import timezone, translation

from dxboard.audit.log import snapshot
from dxboard.audit.models import AuditEntry
from dxboard.core.models import Notification
from dxboard.steering import actions
from dxboard.steering.models import Pillar, Plan, Priority, RecurrenceRule, Task
from dxboard.steering.status import IN_PROGRESS, OVERDUE
from dxboard.workdays.calendar import Calendar

D = datetime.date
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def halves(error) -> tuple[str, str]:
    """The refusal as a Vietnamese reader, then an English one, reads it."""
    with translation.override("vi"):
        vi = str(error)
    with translation.override("en"):
        en = str(error)
    return vi, en


def edit_url(task):
    return f"/steering/tasks/{task.pk}/edit/"


def delete_url(task):
    return f"/steering/tasks/{task.pk}/delete/"


def form_data(task, **changes):
    """What the edit form posts for `task` as it is, with `changes`."""
    data = {"code": task.code, "title": task.title, "content": task.content, "pillar": task.pillar,
            "lead_unit": task.lead_unit_id, "coordinating_units": [u.pk for u in task.coordinating_units.all()],
            "assigned_by": task.assigned_by, "start_date": task.start_date.isoformat() if task.start_date else "",
            "deadline": task.deadline.isoformat(), "expected_output": task.expected_output,
            "indicator_code": task.indicator_code, "priority": task.priority}
    data.update(changes)
    return data


# -- every field, through the page -------------------------------------------------------------------
def test_the_office_corrects_every_field_and_sees_it_on_the_task_page(login, personas, make_task, tree):
    task = make_task(lead="A", coord=["D"], deadline=today() + 60 * DAY, code="NV01", title="Tên gõ sai")
    client = login(personas["admin"])
    assert edit_url(task) in client.get(f"/steering/tasks/{task.pk}/").content.decode()
    assert 'value="Tên gõ sai"' in client.get(edit_url(task)).content.decode()
    start, deadline = today() - 10 * DAY, today() + 90 * DAY
    r = client.post(edit_url(task), form_data(
        task, code="NV01a", title="Tên đã sửa", content="Nội dung đã sửa", pillar=Pillar.ECONOMY,
        lead_unit=tree["B"].pk, coordinating_units=[tree["A"].pk], assigned_by="Phó Chủ tịch UBND tỉnh",
        start_date=start.isoformat(), deadline=deadline.isoformat(), expected_output="Báo cáo tổng kết",
        indicator_code="KPI-9", priority=Priority.HIGH))
    assert r.status_code == 302 and r["Location"] == f"/steering/tasks/{task.pk}/"

    html = client.get(f"/steering/tasks/{task.pk}/").content.decode()
    with translation.override("vi"):
        pillar, priority = str(Pillar.ECONOMY.label), str(Priority.HIGH.label)
    for text in ("NV01a", "Tên đã sửa", "Nội dung đã sửa", pillar, "Phó Chủ tịch UBND tỉnh", "Báo cáo tổng kết",
                 "KPI-9", priority, f"{start:%d/%m/%Y}", f"{deadline:%d/%m/%Y}"):
        assert text in html, text
    dds = [part.split("</dd>")[0] for part in html.split("</dt><dd>")[1:]]
    assert dds[1:3] == [tree["B"].name, tree["A"].name]  # lead unit, coordinating units
    assert tree["D"].name not in html and "Tên gõ sai" not in html

    task.refresh_from_db()
    assert task.original_deadline == deadline and task.effective_deadline == Calendar().effective_deadline(deadline)
    update = AuditEntry.objects.get(action="steering.update_task", object_id=str(task.pk))
    assert update.actor == personas["admin"]
    assert (update.before["title"], update.after["title"]) == ("Tên gõ sai", "Tên đã sửa")
    assert (update.before["lead_unit"], update.after["lead_unit"]) == (tree["A"].pk, tree["B"].pk)
    assert (update.before["coordinating_units"], update.after["coordinating_units"]) == ([tree["D"].pk],
                                                                                         [tree["A"].pk])
    assert update.after["deadline"] == update.before["deadline"]  # the deadline has a row of its own
    correction = AuditEntry.objects.get(action="steering.correct_deadline", object_id=str(task.pk))
    assert correction.after["deadline"] == deadline.isoformat()
    # the new lead unit is told, and sees the task; the old one, now coordinating, still does
    assert Notification.objects.filter(user=personas["officer_b"], subject__contains="Tên đã sửa").exists()
    assert login(personas["officer_b"]).get(f"/steering/tasks/{task.pk}/").status_code == 200
    assert login(personas["dept_officer"]).get(f"/steering/tasks/{task.pk}/").status_code == 404


def test_nothing_changed_writes_nothing(make_task, personas):
    task = make_task(coord=["D"])
    count = AuditEntry.objects.count()
    actions.update_task(acting_user=personas["admin"], task=task, title=task.title, deadline=task.deadline,
                        coordinating_units=list(task.coordinating_units.all()))
    assert AuditEntry.objects.count() == count


# -- the deadline: a correction, not an extension -----------------------------------------------------
def test_a_deadline_correction_moves_the_status_and_is_written_apart(make_task, personas, login):
    t0 = today()
    task = make_task(deadline=t0 + 60 * DAY, title="Hạn nhập sai")
    assert task.status(t0) == IN_PROGRESS
    actions.update_task(acting_user=personas["admin"], task=task, deadline=D(2025, 3, 12))  # a Wednesday
    task.refresh_from_db()
    assert task.deadline == task.original_deadline == task.effective_deadline == D(2025, 3, 12)
    assert task.status(t0) == OVERDUE
    html = login(personas["admin"]).get("/steering/tasks/?status=overdue").content.decode()
    assert "Hạn nhập sai" in html
    # a Saturday: due on the next working day, as when the task was added
    actions.update_task(acting_user=personas["admin"], task=task, deadline=D(2025, 2, 1))
    task.refresh_from_db()
    assert task.deadline == D(2025, 2, 1) and task.effective_deadline == D(2025, 2, 3)

    rows = list(AuditEntry.objects.filter(object_id=str(task.pk), object_type="steering.task")
                .exclude(action="steering.create_task").order_by("pk"))
    assert [r.action for r in rows] == ["steering.correct_deadline", "steering.correct_deadline"]
    assert (rows[0].before["deadline"], rows[0].after["deadline"]) == ((t0 + 60 * DAY).isoformat(), "2025-03-12")
    assert (rows[1].before["effective_deadline"], rows[1].after["effective_deadline"]) == ("2025-03-12",
                                                                                         "2025-02-03")
    assert not AuditEntry.objects.filter(action="steering.extend").exists()
    notices = Notification.objects.filter(user=personas["officer_a"], subject__contains="Đã sửa thời hạn")
    notice = notices.latest("pk")
    assert "Hạn nhập sai" in notice.subject and "từ 12/03/2025 thành 01/02/2025" in notice.body
    with translation.override("en"):
        assert "12/03/2025 to 01/02/2025" in str(notice.shown_body)


def test_a_correction_after_an_extension_keeps_the_original_deadline(make_task, personas):
    t0 = today()
    task = make_task(deadline=t0 + 10 * DAY)
    ext = actions.request_extension(acting_user=personas["officer_a"], task=task, requested_deadline=t0 + 40 * DAY,
                                    reason="Chờ vốn")
    actions.decide_extension(acting_user=personas["admin"], extension=ext, approve=True)
    actions.update_task(acting_user=personas["admin"], task=task, deadline=t0 + 35 * DAY)
    task.refresh_from_db()
    assert task.original_deadline == t0 + 10 * DAY and task.deadline == t0 + 35 * DAY


def test_a_pending_extension_is_decided_before_the_deadline_is_corrected(make_task, personas):
    task = make_task(deadline=today() + 10 * DAY)
    actions.request_extension(acting_user=personas["officer_a"], task=task, requested_deadline=today() + 40 * DAY,
                              reason="Chờ vốn")
    with pytest.raises(actions.ActionError) as refused:
        actions.update_task(acting_user=personas["admin"], task=task, deadline=today() + 20 * DAY)
    vi, en = halves(refused.value)
    assert refused.value.field == "deadline" and "thời hạn" in vi and "correcting the deadline" in en
    task.refresh_from_db()
    assert task.deadline == today() + 10 * DAY


def test_a_completed_tasks_deadline_stays(make_task, personas, login):
    task = make_task(deadline=today() - 10 * DAY, code="NV05")
    decl = actions.declare_completion(acting_user=personas["officer_a"], task=task)
    actions.decide_completion(acting_user=personas["admin"], declaration=decl, confirm=True)
    with pytest.raises(actions.ActionError) as refused:
        actions.update_task(acting_user=personas["admin"], task=task, deadline=today() + 10 * DAY)
    vi, en = halves(refused.value)
    assert "NV05" in vi and "thời hạn" in vi and "NV05" in en and "deadline" in en
    task.refresh_from_db()
    assert task.deadline == today() - 10 * DAY
    # its title may still be corrected; on the page the deadline is shown but not taken
    client = login(personas["admin"])
    client.post(edit_url(task), form_data(task, title="Tên đúng", deadline=(today() + 30 * DAY).isoformat()))
    task.refresh_from_db()
    assert task.title == "Tên đúng" and task.deadline == today() - 10 * DAY


# -- bilingual refusals that name the field ----------------------------------------------------------
@pytest.mark.parametrize("field, changes, vi_word, en_word", [
    ("title", {"title": "   "}, "Tên nhiệm vụ", "title"),
    ("pillar", {"pillar": "space"}, "trụ cột", "pillar"),
    ("code", {"code": "X" * 41}, "mã", "code"),
    ("coordinating_units", {"lead_unit": "D", "coordinating_units": ["D"]}, "phối hợp", "coordinating unit"),
    ("deadline", {"start_date": D(2025, 7, 1), "deadline": D(2025, 6, 1)}, "ngày bắt đầu", "start date"),
])
def test_a_wrong_value_is_refused_naming_the_field(make_task, personas, tree, field, changes, vi_word, en_word):
    task = make_task(deadline=D(2025, 6, 30))
    before, count = snapshot(Task.objects.get(pk=task.pk)), AuditEntry.objects.count()
    if "lead_unit" in changes:
        changes = {"lead_unit": tree["D"], "coordinating_units": [tree["D"]]}
    with pytest.raises(actions.ActionError) as refused:
        actions.update_task(acting_user=personas["admin"], task=task, **changes)
    vi, en = halves(refused.value)
    assert refused.value.field == field and vi_word in vi and en_word in en
    assert snapshot(Task.objects.get(pk=task.pk)) == before and AuditEntry.objects.count() == count


def test_the_page_shows_the_refusal_on_the_field(make_task, personas, login):
    task = make_task(deadline=D(2025, 6, 30))
    r = login(personas["admin"]).post(edit_url(task), form_data(task, start_date="2025-07-01"))
    assert r.status_code == 200
    error = r.context["form"].errors["deadline"][0]
    assert "Thời hạn (30/06/2025) trước ngày bắt đầu (01/07/2025)" in error and "before" not in error
    task.refresh_from_db()
    assert task.start_date is None


# -- deleting a task entered by mistake --------------------------------------------------------------
def test_a_task_entered_by_mistake_is_deleted_its_snapshot_kept(make_task, personas, login, tree):
    task = make_task(coord=["D"], title="Nhập nhầm", code="NV07")
    client = login(personas["admin"])
    page = client.get(delete_url(task)).content.decode()
    assert "Nhập nhầm" in page and 'method="post"' in page
    assert Task.objects.filter(pk=task.pk).exists()  # a GET only asks
    r = client.post(delete_url(task))
    assert r.status_code == 302 and r["Location"] == f"/steering/plans/{task.plan_id}/"
    assert not Task.objects.filter(pk=task.pk).exists()
    entry = AuditEntry.objects.get(action="steering.delete_task")
    assert entry.object_id == str(task.pk) and entry.after is None and entry.unit == tree["A"]
    assert entry.before["title"] == "Nhập nhầm" and entry.before["code"] == "NV07"
    assert entry.before["coordinating_units"] == [tree["D"].pk]
    for name in ("officer_a", "dept_officer"):  # told when it was added, and now that it is removed
        assert Notification.objects.filter(user=personas[name], subject__contains="Nhập nhầm").count() == 2


@pytest.mark.parametrize("acted", ["report", "extension", "declaration"])
def test_a_task_acted_on_is_corrected_not_deleted(make_task, personas, login, acted):
    task = make_task(deadline=today() + 10 * DAY, code="NV08")
    if acted == "report":
        actions.report_progress(acting_user=personas["officer_a"], task=task, percent=10, text="Bắt đầu")
    elif acted == "extension":
        actions.request_extension(acting_user=personas["officer_a"], task=task,
                                  requested_deadline=today() + 30 * DAY, reason="Chờ vốn")
    else:
        actions.declare_completion(acting_user=personas["officer_a"], task=task)
    with pytest.raises(actions.ActionError) as refused:
        actions.delete_task(acting_user=personas["admin"], task=task)
    vi, en = halves(refused.value)
    assert "NV08" in vi and "hãy sửa nhiệm vụ thay vì xóa" in vi and "correct it instead of deleting it" in en
    r = login(personas["admin"]).post(delete_url(task), follow=True)
    assert "hãy sửa nhiệm vụ thay vì xóa" in r.content.decode()
    assert Task.objects.filter(pk=task.pk).exists()
    assert not AuditEntry.objects.filter(action="steering.delete_task").exists()


# -- recurring tasks ---------------------------------------------------------------------------------
@pytest.fixture
def quarterly(make_task):
    def _make(code="BC", lead="B"):
        rule = RecurrenceRule.objects.create(frequency="quarterly", working_day=-1)
        return make_task(lead=lead, code=code, title="Báo cáo quý", deadline=D(2025, 12, 31),
                         start_date=D(2025, 1, 1), recurrence=rule)

    return _make


def test_correcting_a_recurring_task_passes_down_to_its_open_periods(quarterly, personas, tree, login):
    template = quarterly()
    q1 = template.occurrences.get(period_label="Q1/2025")
    decl = actions.declare_completion(acting_user=personas["admin"], task=q1, declared_on=D(2025, 3, 28))
    actions.decide_completion(acting_user=personas["admin"], declaration=decl, confirm=True)
    actions.update_task(acting_user=personas["admin"], task=template, title="Báo cáo tiến độ quý", code="BCQ",
                        lead_unit=tree["A"], coordinating_units=[tree["D"]], priority=Priority.HIGH)
    q1.refresh_from_db()
    assert (q1.title, q1.lead_unit, q1.code) == ("Báo cáo quý — Q1/2025", tree["B"], "BC/Q1/2025")  # completed
    for child in template.occurrences.exclude(pk=q1.pk):
        assert child.title == f"Báo cáo tiến độ quý — {child.period_label}"
        assert child.code == f"BCQ/{child.period_label}" and child.lead_unit == tree["A"]
        assert child.priority == Priority.HIGH and list(child.coordinating_units.all()) == [tree["D"]]
    assert AuditEntry.objects.filter(action="steering.update_task").count() == 4  # the task and three periods
    # its periods are laid out by its start and deadline: those are corrected on a period
    for field, value in (("deadline", D(2025, 9, 30)), ("start_date", D(2025, 4, 1))):
        with pytest.raises(actions.ActionError) as refused:
            actions.update_task(acting_user=personas["admin"], task=template, **{field: value})
        assert refused.value.field == field and "recurring task" in halves(refused.value)[1]
    html = login(personas["admin"]).get(edit_url(template)).content.decode()
    assert 'name="title"' in html and 'name="deadline"' not in html and 'id="recurring-note"' in html
    q2 = template.occurrences.get(period_label="Q2/2025")
    actions.update_task(acting_user=personas["admin"], task=q2, deadline=D(2025, 7, 4))
    q2.refresh_from_db()
    assert q2.effective_deadline == D(2025, 7, 4)


def test_a_recurring_task_is_deleted_with_its_periods_only_if_none_was_acted_on(quarterly, personas):
    used, unused = quarterly("BC1"), quarterly("BC2")
    q2 = used.occurrences.get(period_label="Q2/2025")
    actions.report_progress(acting_user=personas["officer_b"], task=q2, percent=50, text="Một nửa")
    with pytest.raises(actions.ActionError) as refused:
        actions.delete_task(acting_user=personas["admin"], task=used)
    assert "period of recurring task BC1" in halves(refused.value)[1]
    assert used.occurrences.count() == 4 and Task.objects.filter(pk=used.pk).exists()
    # one period alone may go, while nobody acted on it
    q3 = used.occurrences.get(period_label="Q3/2025")
    actions.delete_task(acting_user=personas["admin"], task=q3)
    assert used.occurrences.count() == 3 and RecurrenceRule.objects.filter(pk=used.recurrence_id).exists()

    children = list(unused.occurrences.values_list("pk", flat=True))
    actions.delete_task(acting_user=personas["admin"], task=unused)
    assert not Task.objects.filter(pk__in=[unused.pk, *children]).exists()
    assert not RecurrenceRule.objects.filter(pk=unused.recurrence_id).exists()
    entry = AuditEntry.objects.get(action="steering.delete_task", object_id=str(unused.pk))
    assert sorted(o["id"] for o in entry.before["occurrences"]) == sorted(children)


# -- the plan ----------------------------------------------------------------------------------------
def test_the_office_corrects_a_plan(login, personas, plan):
    doc = actions.create_document(acting_user=personas["admin"], number="12/KH-UBND", date=D(2025, 1, 10),
                                  issuer="UBND tỉnh", title="Kế hoạch chuyển đổi số")
    client = login(personas["admin"])
    assert f"/steering/plans/{plan.pk}/edit/" in client.get(f"/steering/plans/{plan.pk}/").content.decode()
    r = client.post(f"/steering/plans/{plan.pk}/edit/", {"title": "Kế hoạch CĐS năm 2025", "year": 2025,
                                                         "start": "2025-01-15", "end": "2025-12-31",
                                                         "document": doc.pk})
    assert r.status_code == 302
    html = client.get(f"/steering/plans/{plan.pk}/").content.decode()
    assert "Kế hoạch CĐS năm 2025" in html and "12/KH-UBND" in html and "15/01/2025" in html
    entry = AuditEntry.objects.get(action="steering.update_plan")
    assert (entry.before["end"], entry.after["end"]) == ("2026-12-31", "2025-12-31")
    assert (entry.before["document"], entry.after["document"]) == (None, doc.pk)


def test_a_plan_that_ends_before_it_starts_is_refused_on_the_field(login, personas, plan):
    r = login(personas["admin"]).post(f"/steering/plans/{plan.pk}/edit/", {
        "title": "Sai", "year": 2025, "start": "2025-06-01", "end": "2025-05-31"})
    error = r.context["form"].errors["end"][0]
    assert error == "Ngày kết thúc kế hoạch trước ngày bắt đầu."
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch CĐS 2025" and not AuditEntry.objects.filter(action="steering.update_plan").exists()


# -- everyone else -----------------------------------------------------------------------------------
def _state(task, plan):
    return (snapshot(Task.objects.get(pk=task.pk)), snapshot(Plan.objects.get(pk=plan.pk)), Task.objects.count(),
            AuditEntry.objects.count(), Notification.objects.count())


@pytest.mark.parametrize("persona", ["officer_a", "leader", "reviewer"])
def test_every_correction_is_refused_to_others_with_nothing_changed(make_task, plan, personas, login, tree, persona):
    """The officer of the lead unit itself, a leader who reads everything, a reviewer of the same commune."""
    task = make_task(lead="A", coord=["D"], deadline=today() + 30 * DAY)
    user = personas[persona]
    before = _state(task, plan)
    calls = [
        lambda: actions.update_task(acting_user=user, task=task, title="Đổi", deadline=today() + 90 * DAY),
        lambda: actions.update_task(acting_user=user, task=task, lead_unit=tree["B"]),
        lambda: actions.delete_task(acting_user=user, task=task),
        lambda: actions.update_plan(acting_user=user, plan=plan, title="Đổi", year=2030, start=D(2030, 1, 1),
                                    end=D(2030, 12, 31)),
    ]
    for call in calls:
        with pytest.raises(actions.NotAllowed) as refused:
            call()
        vi, en = halves(refused.value)
        assert "Chỉ cơ quan thường trực" in vi and "Only the standing office" in en
    client = login(user)
    pages = {edit_url(task): form_data(task, title="Đổi"), delete_url(task): {},
             f"/steering/plans/{plan.pk}/edit/": {"title": "Đổi", "year": 2030, "start": "2030-01-01",
                                                  "end": "2030-12-31"}}
    for url, data in pages.items():
        assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    # and no link to them on the pages they see
    for url in (f"/steering/tasks/{task.pk}/", f"/steering/plans/{plan.pk}/"):
        response = client.get(url)
        if response.status_code == 200:
            html = response.content.decode()
            assert "/edit/" not in html and "/delete/" not in html, url
    assert _state(task, plan) == before


def test_an_anonymous_visitor_is_sent_to_log_in(make_task, plan, client):
    task = make_task()
    before = _state(task, plan)
    for url in (edit_url(task), delete_url(task), f"/steering/plans/{plan.pk}/edit/"):
        assert client.post(url, {"title": "x"})["Location"].startswith("/accounts/login/")
    assert _state(task, plan) == before
