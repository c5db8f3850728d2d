"""Source priority: the same metric × unit × period reported by two sources is counted once — the
preferred source's value — by every reader (roll-ups, league, alerts, index feed, series API, pages).
Hand-made numbers: A reports 9/10 by the push source `vbdh` and 5/10 by manual entry."""

import datetime

import pytest
from django.db import IntegrityError

from dxboard.kpi import actions, priority, rollup
from dxboard.kpi.models import Alert, AlertRule, Observation, Target

from .conftest import obs

W2 = datetime.date(2026, 1, 5)


@pytest.fixture
def two_sources(tree, source):
    """A: 9/10 from the source system (priority 100) and 5/10 by hand (manual, 300); B: 50/100 by hand."""
    system, _token = source
    metric = system.metrics.get()
    obs(metric, tree["A"], "2026-W02", 5, 10, source="manual")
    actions.store_observations(acting_user=None, source_system=system, source="", rows=[
        {"metric": metric.code, "unit": tree["A"].code, "period": "2026-W02", "numerator": 9, "denominator": 10}])
    obs(metric, tree["B"], "2026-W02", 50, 100, source="manual")
    return metric, system


def test_two_sources_same_period_counted_once_the_preferred(tree, two_sources):
    metric, _system = two_sources
    assert Observation.objects.filter(metric=metric, is_current=True).count() == 3  # every source kept
    figure = rollup.province(metric)
    assert (figure.numerator, figure.denominator, figure.count) == (59, 110, 2)  # not 64/120 over 3 rows
    assert rollup.series(metric)[W2].value == pytest.approx(59 / 110)
    assert rollup.per_unit(metric)[tree["A"].pk].value == pytest.approx(0.9)
    preferred = Observation.objects.get(metric=metric, unit=tree["A"], is_preferred=True)
    assert preferred.source == "vbdh"


def test_a_lower_priority_source_alone_is_used(tree, two_sources):
    metric, _system = two_sources
    assert rollup.per_unit(metric)[tree["B"].pk].value == pytest.approx(0.5)  # only manual for B
    obs(metric, tree["D"], "2026-W03", 1, 4, source="demo")
    assert rollup.province(metric, unit_kind="department").value == pytest.approx(0.25)


def test_arrival_order_does_not_matter(tree, source):
    """The preferred source first, then a worse one: the first stays counted."""
    system, _token = source
    metric = system.metrics.get()
    actions.store_observations(acting_user=None, source_system=system, source="", rows=[
        {"metric": metric.code, "unit": tree["A"].code, "period": "2026-W02", "numerator": 9, "denominator": 10}])
    obs(metric, tree["A"], "2026-W02", 1, 10, source="demo")
    obs(metric, tree["A"], "2026-W02", 2, 10, source="upload")
    assert rollup.province(metric).value == pytest.approx(0.9)
    # A correction from the preferred source stays counted; one from a lower source changes nothing.
    actions.store_observations(acting_user=None, source_system=system, source="", rows=[
        {"metric": metric.code, "unit": tree["A"].code, "period": "2026-W02", "numerator": 8, "denominator": 10}])
    obs(metric, tree["A"], "2026-W02", 3, 10, source="upload")
    assert rollup.province(metric).value == pytest.approx(0.8)
    assert Observation.objects.filter(metric=metric, is_preferred=True).count() == 1


def test_a_new_priority_or_metric_order_changes_the_counted_source(tree, personas, two_sources):
    metric, system = two_sources
    system.priority = 400  # now after manual entry (300)
    actions.save_source_system(acting_user=personas["admin"], source_system=system)
    assert rollup.per_unit(metric)[tree["A"].pk].value == pytest.approx(0.5)
    metric.source_order = ["vbdh"]  # the metric names its preferred source ahead of any priority
    actions.save_metric(acting_user=personas["admin"], metric=metric)
    assert rollup.per_unit(metric)[tree["A"].pk].value == pytest.approx(0.9)
    assert Observation.objects.filter(metric=metric, is_preferred=True).count() == 2
    from dxboard.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="kpi.source.save").exists()


def test_the_database_admits_one_counted_row_per_key(tree, two_sources):
    metric, _system = two_sources
    row = Observation.objects.get(metric=metric, unit=tree["A"], source="manual", is_current=True)
    with pytest.raises(IntegrityError):
        Observation.objects.filter(pk=row.pk).update(is_preferred=True)


def test_every_reader_counts_once(tree, personas, login, two_sources, client):
    metric, _system = two_sources
    # series API: province and the unit (with the source counted)
    body = client.get("/api/v1/kpi/series/", {"metric": metric.code}).json()
    assert [(p["numerator"], p["denominator"]) for p in body["points"]] == [(59, 110)]
    unit = client.get("/api/v1/kpi/series/", {"metric": metric.code, "unit": tree["A"].code}).json()
    assert [(p["value"], p["source"]) for p in unit["points"]] == [(0.9, "vbdh")]
    # pages: overview (53,6 % = 59/110), unit page, metric page, league
    admin = login(personas["admin"])
    assert "53,6 %" in admin.get("/kpi/").content.decode()
    assert "90,0 %" in admin.get(f"/kpi/units/{tree['A'].code}/").content.decode()
    ranked = admin.get(f"/kpi/metrics/{metric.code}/").content.decode().split("kpi-ranked")[1]
    assert "90,0 %" in ranked and "50,0 %" not in ranked.split("Phường Kinh Bắc")[0]
    league = admin.get(f"/kpi/league/?metric={metric.code}&week=2026-W02").content.decode().split("kpi-league")[1]
    assert league.count("<tr") == 3  # header + A + B, A once
    # index feed: the unit's figure over the year
    from dxboard.kpi.indicators import unit_figure

    figure = unit_figure(tree["A"], metric, "sum", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert (figure.numerator, figure.denominator) == (9, 10)


def test_alerts_read_the_counted_value_only(tree, source):
    system, _token = source
    metric = system.metrics.get()
    Target.objects.create(metric=metric, year=2026, value=0.8)
    AlertRule.objects.create(metric=metric)
    actions.store_observations(acting_user=None, source_system=system, source="", rows=[
        {"metric": metric.code, "unit": tree["A"].code, "period": "2026-W02", "numerator": 9, "denominator": 10}])
    obs(metric, tree["A"], "2026-W02", 1, 10, source="manual")  # off track, but not the counted value
    assert not Alert.objects.exists()


def test_ranker_order():
    ranker = priority.Ranker.__new__(priority.Ranker)
    ranker.system, ranker.order = {"vbdh": 100, "late": 250}, {1: ["manual"]}
    ordered = sorted(["demo", "upload", "manual", "vbdh", "late", "other"], key=lambda s: ranker.key(2, s))
    assert ordered == ["vbdh", "upload", "late", "manual", "other", "demo"]
    assert sorted(["vbdh", "manual"], key=lambda s: ranker.key(1, s)) == ["manual", "vbdh"]



def test_lists_show_every_source_and_which_one_counts(tree, personas, login, two_sources):
    metric, _system = two_sources
    client = login(personas["admin"])
    body = client.get("/kpi/observations/", {"metric": metric.code, "unit": tree["A"].code}).content.decode()
    assert "hiện hành, được tính" in body and "hiện hành, không tính" in body
    rows = client.get("/api/v1/kpi/observations/", {"metric": metric.code, "unit": tree["A"].code}).json()
    rows = rows.get("results", rows)
    assert sorted((r["source"], r["is_preferred"]) for r in rows) == [("manual", False), ("vbdh", True)]
