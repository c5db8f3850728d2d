"""The home panel is a work queue: what waits for the intake office or the handling unit, overdue first."""

import datetime

from django.test import RequestFactory
from django.utils import timezone

from dxboard.feedback import actions
from dxboard.feedback.models import Report
from dxboard.feedback.panels import home_panels


def panels(user):
    request = RequestFactory().get("/")
    request.user = user
    return home_panels(request)


def test_intake_sees_the_reports_to_classify_urgent_first(make_report, personas, tree, login):
    assert panels(personas["admin"]) == []  # nothing waits: no panel
    first, second = make_report(), make_report()
    Report.objects.filter(pk=second.pk).update(urgent=True)
    routed = make_report()
    actions.route(routed, tree["A"], acting_user=personas["admin"])
    (panel,) = panels(personas["admin"])
    assert panel.todo == 2 and [r.code for r in panel.context["top"]] == [second.code, first.code]
    home = login(personas["admin"]).get("/").content.decode()
    assert "2 phản ánh cần phân loại" in home and second.code in home and routed.code not in home


def test_unit_sees_its_reports_to_answer_overdue_first(make_report, personas, tree, login):
    assert panels(personas["officer_a"]) == []
    soon, late, answered = make_report(), make_report(), make_report()
    for r in (soon, late, answered):
        actions.route(r, tree["A"], acting_user=personas["admin"])
    actions.answer(answered, acting_user=personas["officer_a"], text="Đã xử lý")
    Report.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(hours=3))
    (panel,) = panels(personas["officer_a"])
    assert panel.todo == 2 and panel.context["overdue"] == 1
    assert [r.code for r in panel.context["top"]] == [late.code, soon.code]
    home = login(personas["officer_a"]).get("/").content.decode()
    assert "2 phản ánh cần trả lời" in home and "1 quá hạn" in home and answered.code not in home
    assert panels(personas["officer_b"]) == []  # another unit: nothing of this
