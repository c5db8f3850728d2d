"""Alerts: a value off track (rule per metric, against a threshold or the year's target) raises one
alert per unit and period, sent to the unit's officers and the standing office."""

from dxboard.core.models import Notification
from dxboard.kpi.models import Alert, AlertRule, Target

from .conftest import make_metric, obs


def test_an_off_track_value_alerts_the_unit_and_the_office(tree, personas):
    metric = make_metric()
    Target.objects.create(metric=metric, year=2026, unit_kind="commune", value=0.8)
    AlertRule.objects.create(metric=metric)
    obs(metric, tree["A"], "2026-W02", 9, 10)  # on track
    obs(metric, tree["B"], "2026-W02", 5, 10)  # off track
    alert = Alert.objects.get()
    assert (alert.unit, alert.period, alert.value, alert.threshold) == (tree["B"], "2026-W02", 0.5, 0.8)
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"officer_b", "admin"}
    obs(metric, tree["B"], "2026-W02", 6, 10)  # corrected, still off track: no second alert
    assert Alert.objects.count() == 1


def test_threshold_and_direction(tree, personas):
    metric = make_metric("T_DOWN", rate=False, direction="down")
    AlertRule.objects.create(metric=metric, threshold=5)
    obs(metric, tree["A"], "2026-W02", 3)
    assert not Alert.objects.exists()
    obs(metric, tree["A"], "2026-W03", 7)
    assert Alert.objects.get().value == 7


def test_no_target_no_alert(tree, personas):
    metric = make_metric()
    AlertRule.objects.create(metric=metric)
    obs(metric, tree["B"], "2026-W02", 0, 10)
    assert not Alert.objects.exists()
