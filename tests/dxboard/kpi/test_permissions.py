"""Permissions of the KPI data: the matrix (unit-owned models × personas × actions), and the rules of
entry: an officer their unit only; a source token its metrics only (test_push.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from dxboard.kpi.models import Alert, AlertRule, Observation
from tests.dxboard.accounts.test_permissions import expected_units

from .conftest import make_metric

ACTIONS = ["view", "add", "change", "delete", "review", "approve"]
PERSONAS = ["admin", "officer_a", "officer_b", "dept_officer", "reviewer", "leader", "anonymous"]


def _objects(unit, metric, rule):
    o = Observation.objects.create(metric=metric, unit=unit, period="2026-W02", period_start="2026-01-05",
                                   period_end="2026-01-11", numerator=1, denominator=2, value=0.5, source="t")
    return {Observation: o, Alert: Alert.objects.create(rule=rule, unit=unit, period="2026-W02", value=0.5,
                                                        threshold=0.8)}


MODELS = [Observation, Alert]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ACTIONS)
def test_restrict_matches_the_rules(tree, personas, model, persona, action):
    metric = make_metric()
    rule = AlertRule.objects.create(metric=metric)
    made = {key: _objects(tree[key], metric, rule)[model] for key in ("A", "B", "D")}
    user = personas[persona] or AnonymousUser()
    visible = set(model.objects.restrict(user, action).filter(pk__in=[o.pk for o in made.values()])
                  .values_list("pk", flat=True))
    assert {k for k, o in made.items() if o.pk in visible} == expected_units(persona, action, model, tree)


def test_alerts_are_read_only_for_units():
    assert all(g == {"view"} for g in Alert.grants.values())


def test_only_the_office_defines_metrics_and_sources(tree, personas):
    from dxboard.kpi import actions

    metric = make_metric()
    for persona in ("officer_a", "leader", "reviewer"):
        with pytest.raises(actions.NotAllowed):
            actions.save_metric(acting_user=personas[persona], metric=metric)
        with pytest.raises(actions.NotAllowed):
            actions.create_source_system(acting_user=personas[persona], code=f"s-{persona}", name="x")
    metric.name = "Đổi tên"
    actions.save_metric(acting_user=personas["admin"], metric=metric)
