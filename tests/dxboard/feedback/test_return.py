"""Re-routing belongs to the intake office; a handling unit returns a report to it with a reason; the
citizen's deadline never restarts when the report changes hands."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from dxboard.audit.models import AuditEntry
from dxboard.core.models import Notification
from dxboard.feedback import actions
from dxboard.feedback.models import Assignment, Report, Status

from .conftest import says

H = datetime.timedelta(hours=1)
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
REASON = "Tuyến đường do Sở Giao thông quản lý, không thuộc xã"


@pytest.fixture
def routed(make_report, personas, tree):
    report = make_report(accepted=True)
    actions.route(report, tree["A"], acting_user=personas["admin"])
    report.refresh_from_db()
    return report


def test_the_handling_unit_cannot_route(routed, personas, tree):
    before = (routed.unit_id, routed.status, routed.deadline)
    with pytest.raises(actions.FeedbackError) as refused:
        actions.route(routed, tree["B"], acting_user=personas["officer_a"])
    assert says(refused, "bộ phận tiếp nhận", "intake office")
    routed.refresh_from_db()
    assert (routed.unit_id, routed.status, routed.deadline) == before
    assert list(Assignment.objects.filter(report=routed).values_list("unit", "outcome")) == [(tree["A"].pk, "open")]
    assert not AuditEntry.objects.filter(action="feedback.reroute").exists()


def test_the_unit_returns_the_report_to_intake_with_its_reason(routed, personas, tree, client):
    actions.return_to_intake(routed, acting_user=personas["officer_a"], reason=f"  {REASON} ")
    routed.refresh_from_db()
    assert routed.status == Status.RECEIVED and routed.unit is None
    stay = Assignment.objects.get(report=routed)
    assert stay.outcome == Assignment.Outcome.RETURNED and stay.ended_at is not None
    event = routed.events.get(kind="returned")
    assert not event.public and event.internal_note == REASON and event.note == ""
    assert event.unit == tree["A"] and event.actor == personas["officer_a"]
    # the intake office is told, with the reason
    told = Notification.objects.filter(user=personas["admin"]).latest("pk")  # after the notice of filing
    assert REASON in told.body and routed.code in told.subject and tree["A"].name in told.subject
    assert not Notification.objects.filter(user=personas["officer_a"], body__contains=REASON).exists()
    entry = AuditEntry.objects.get(action="feedback.return_to_intake")
    assert entry.object_id == str(routed.pk)
    # back in the intake queue, out of the unit's
    assert routed in actions.visible_reports(personas["admin"]).filter(status=Status.RECEIVED, unit=None)
    assert routed not in actions.visible_reports(personas["officer_a"])
    # the citizen never reads the reason, not even with the access key
    follow = reverse("feedback:follow", args=[routed.code])
    for path in (follow, f"{follow}?k={routed.access_key}"):
        response = client.get(path, follow=True)
        assert response.status_code == 200 and REASON not in response.content.decode()


def test_an_empty_reason_is_refused_naming_the_field(routed, personas, tree):
    with pytest.raises(actions.FeedbackError) as refused:
        actions.return_to_intake(routed, acting_user=personas["officer_a"], reason="   ")
    assert says(refused, "lý do", "reason")
    routed.refresh_from_db()
    assert routed.unit == tree["A"] and routed.status == Status.ROUTED
    assert Assignment.objects.get(report=routed).outcome == Assignment.Outcome.OPEN
    assert not AuditEntry.objects.filter(action="feedback.return_to_intake").exists()


def test_only_the_handling_unit_returns(routed, personas):
    with pytest.raises(actions.FeedbackError):
        actions.return_to_intake(routed, acting_user=personas["officer_b"], reason=REASON)
    assert Report.objects.get(pk=routed.pk).status == Status.ROUTED


def _overdue(report):
    """The deadline given at the first routing, moved three hours into the past: the report is overdue."""
    past = timezone.now() - 3 * H
    Assignment.objects.filter(report=report).update(deadline=past)
    Report.objects.filter(pk=report.pk).update(deadline=past)
    report.refresh_from_db()
    return past


def test_intake_reroutes_an_overdue_returned_report_and_the_deadline_stays(routed, personas, tree):
    original = _overdue(routed)
    actions.return_to_intake(routed, acting_user=personas["officer_a"], reason=REASON)
    routed.refresh_from_db()
    assert routed.deadline == original  # the citizen's deadline runs on while intake decides
    actions.route(routed, tree["B"], acting_user=personas["admin"])
    routed.refresh_from_db()
    first, second = Assignment.objects.filter(report=routed).order_by("pk")
    assert (first.unit, first.outcome, second.unit, second.outcome) == (tree["A"], "returned", tree["B"], "open")
    assert second.deadline == original and routed.deadline == original
    assert routed.events.filter(kind="rerouted").exists()
    assert AuditEntry.objects.filter(action="feedback.reroute").exists()
    overdue = actions.visible_reports(personas["admin"]).filter(deadline__lt=timezone.now(), pk=routed.pk)
    assert overdue.exists()


def test_intake_reroutes_a_paused_report_the_pause_moves_the_deadline(routed, personas, tree):
    original = _overdue(routed)
    paused_at = timezone.now() - 2 * H  # the unit asked the citizen two hours ago
    Report.objects.filter(pk=routed.pk).update(status=Status.WAITING, paused_at=paused_at)
    routed.refresh_from_db()
    actions.route(routed, tree["B"], acting_user=personas["admin"])
    routed.refresh_from_db()
    second = Assignment.objects.filter(report=routed).order_by("pk").last()
    expected = original + (second.assigned_at - paused_at)  # the paused time, and nothing else, is added
    assert second.deadline == expected and routed.deadline == expected and routed.paused_at is None


def _first_routed_on_monday(report, deadline):
    """The first routing on Monday 30/11/2026 at 09:00 in Hà Nội time, with the deadline it gave."""
    Assignment.objects.filter(report=report).update(assigned_at=datetime.datetime(2026, 11, 30, 9, tzinfo=VN),
                                                   deadline=deadline)
    Report.objects.filter(pk=report.pk).update(deadline=deadline)
    report.refresh_from_db()


@pytest.mark.parametrize("extension_days", [0, 2])
def test_marking_a_report_urgent_at_a_reroute_counts_its_deadline_again(routed, personas, tree, extension_days):
    # Administrative procedures: 10 working days, 24 hours when urgent. Routed on Monday 30/11 09:00, not
    # urgent: due Monday 14/12 at the end of the day, or Wednesday 16/12 after an extension of 2 working days.
    _first_routed_on_monday(routed, datetime.datetime(2026, 12, 14 + extension_days, 23, 59, 59, tzinfo=VN))
    assert (routed.category.deadline_days, routed.category.deadline_hours, routed.urgent) == (10, 24, False)
    actions.route(routed, tree["B"], acting_user=personas["admin"], urgent=True)
    routed.refresh_from_db()
    # Urgent: 24 hours from the first routing, Tuesday 01/12 09:00, and the extension still counts.
    expected = datetime.datetime(2026, 12, 1, 9, tzinfo=VN) + datetime.timedelta(days=extension_days)
    assert routed.urgent and routed.deadline == expected
    assert Assignment.objects.filter(report=routed).order_by("pk").last().deadline == expected


def test_a_reroute_that_keeps_the_urgency_keeps_the_deadline(routed, personas, tree):
    given = datetime.datetime(2026, 12, 14, 23, 59, 59, tzinfo=VN)
    _first_routed_on_monday(routed, given)
    actions.route(routed, tree["B"], acting_user=personas["admin"], urgent=False)
    routed.refresh_from_db()
    assert routed.deadline == given


def test_the_units_page_offers_a_return_and_intake_keeps_the_route_control(routed, personas, login):
    page = reverse("feedback:office", args=[routed.pk])
    officer = login(personas["officer_a"])
    body = officer.get(page).content.decode()
    assert "Trả về bộ phận tiếp nhận" in body and 'value="return"' in body and 'value="route"' not in body
    response = officer.post(reverse("feedback:office-action", args=[routed.pk]),
                            {"action": "return", "reason": REASON})
    assert response["Location"] == reverse("feedback:queue")
    routed.refresh_from_db()
    assert routed.status == Status.RECEIVED and routed.unit is None
    body = login(personas["admin"]).get(page).content.decode()
    assert 'value="route"' in body and 'value="return"' not in body and REASON in body


def test_returned_stays_count_as_rerouted_in_the_units_figures(routed, personas, tree):
    from dxboard.feedback import figures

    actions.return_to_intake(routed, acting_user=personas["officer_a"], reason=REASON)
    a = dict(figures.table()["units"])[tree["A"]]
    assert (a.received, a.finished, a.rerouted, a.reroute_pct, a.on_time) == (1, 1, 1, 100.0, 0)
