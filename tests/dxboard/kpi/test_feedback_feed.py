"""Citizen feedback feeds the KPI series: real reports (submitted, routed, answered, re-routed through
the feedback module's actions) become FEEDBACK_ONTIME (on time / counted) and FEEDBACK_RECEIVED
observations per handling unit and week, from the internal source `feedback`; a rerun changes nothing;
the worker runs it on its schedule and on the office's demand."""

import pytest
from django.utils import timezone

from dxboard.audit.models import AuditEntry
from dxboard.feedback import actions as fb_actions
from dxboard.jobs.models import Job
from dxboard.jobs.queue import run_schedulers, work
from dxboard.kpi import feedback_feed, periods, rollup
from dxboard.kpi.models import Metric, Observation
from tests.dxboard.feedback.conftest import _media, fb, make_report  # noqa: F401 — real feedback reports

from .conftest import obs


@pytest.fixture
def handled(tree, personas, make_report):  # noqa: F811
    """A: one report answered on time, one sent on to B (counted late for A). B: two open, not yet due."""
    r1, r2, r3 = make_report(), make_report(), make_report()
    fb_actions.route(r1, tree["A"], acting_user=personas["admin"])
    fb_actions.answer(r1, acting_user=personas["officer_a"], text="Đã sửa xong.")
    fb_actions.route(r2, tree["A"], acting_user=personas["admin"])
    fb_actions.route(r2, tree["B"], acting_user=personas["admin"])
    fb_actions.route(r3, tree["B"], acting_user=personas["admin"])
    return r1, r2, r3


def _figures(code):
    return {(o.unit.code, o.period): (o.numerator, o.denominator)
            for o in Observation.objects.filter(metric__code=code, is_current=True).select_related("unit")}


def test_feedback_figures_become_observations_and_a_rerun_changes_nothing(tree, personas, handled):
    today = timezone.localdate()
    week = periods.key_for(today, "weekly")
    counts = feedback_feed.sync(today, today)
    assert counts == {"created": 3, "corrected": 0, "unchanged": 0}
    assert _figures("FEEDBACK_ONTIME") == {(tree["A"].code, week): (1, 2)}  # B: nothing due yet, no rate
    assert _figures("FEEDBACK_RECEIVED") == {(tree["A"].code, week): (2, None), (tree["B"].code, week): (2, None)}
    assert set(Observation.objects.values_list("source", flat=True)) == {"feedback"}
    audits = AuditEntry.objects.filter(action="kpi.observations.store").count()
    assert feedback_feed.sync(today, today) == {"created": 0, "corrected": 0, "unchanged": 3}
    assert Observation.objects.count() == 3 and AuditEntry.objects.filter(
        action="kpi.observations.store").count() == audits
    # B answers one report: B gets a rate, the rest is unchanged; the province is the rate of sums.
    _r1, _r2, r3 = handled
    fb_actions.answer(r3, acting_user=personas["officer_b"], text="Đã xử lý.")
    assert feedback_feed.sync(today, today) == {"created": 1, "corrected": 0, "unchanged": 3}
    assert _figures("FEEDBACK_ONTIME")[(tree["B"].code, week)] == (1, 1)
    metric = Metric.objects.get(code="FEEDBACK_ONTIME")
    assert rollup.province(metric).value == pytest.approx(2 / 3)


def test_the_feedback_source_outranks_a_manual_entry(tree, personas, handled):
    today = timezone.localdate()
    week = periods.key_for(today, "weekly")
    metric = Metric.objects.get(code="FEEDBACK_ONTIME")
    obs(metric, tree["A"], week, 0, 2, source="manual")
    feedback_feed.sync(today, today)
    assert rollup.per_unit(metric)[tree["A"].pk].value == pytest.approx(0.5)  # 1/2 from feedback, not 0/2


def test_the_worker_runs_it_daily_and_on_demand(tree, personas, handled, login):
    run_schedulers()
    assert Job.objects.filter(kind=feedback_feed.KIND).count() == 1
    run_schedulers()
    assert Job.objects.filter(kind=feedback_feed.KIND).count() == 1  # once a day
    work()
    assert Observation.objects.filter(source="feedback").count() == 3
    Observation.objects.all().delete()
    assert login(personas["officer_a"]).post("/kpi/sources/", {"feedback_sync": "1"}).status_code == 404
    response = login(personas["admin"]).post("/kpi/sources/", {"feedback_sync": "1"})
    assert response.status_code == 302
    assert Job.objects.filter(kind=feedback_feed.KIND, payload__scope="all", status=Job.Status.QUEUED).exists()
    work()
    assert Observation.objects.filter(source="feedback").count() == 3
    assert AuditEntry.objects.filter(action="kpi.feedback.request").exists()


def test_an_inactive_feedback_source_stores_nothing(tree, handled):
    system = feedback_feed.source_system()
    system.is_active = False
    system.save()
    today = timezone.localdate()
    assert feedback_feed.sync(today, today)["created"] == 0
    assert not Observation.objects.exists()
