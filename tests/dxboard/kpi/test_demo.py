"""The demo series: deterministic, idempotent, marked demo, consistent with the province's figures."""

import datetime

import pytest

from dxboard.kpi import demo, rollup
from dxboard.kpi.models import Metric, Observation

END = datetime.date(2026, 6, 30)


def test_demo_series_are_deterministic_and_idempotent(tree):
    units = [tree["A"], tree["B"], tree["D"]]
    first = demo.load_demo(units=units, end=END)
    assert first["created"] > 1000 and first["corrected"] == 0
    assert Observation.objects.filter(is_demo=False).count() == 0
    from dxboard.kpi.models import Alert

    alerts = Alert.objects.count()
    again = demo.load_demo(units=units, end=END)
    assert Alert.objects.count() == alerts  # raised once
    assert again == {"created": 0, "corrected": 0, "unchanged": first["created"]}
    # department D reports from 2023; the communes from their creation on 1/7/2025
    assert Observation.objects.filter(unit=tree["D"]).order_by("period_start").first().period_start.year == 2023
    assert Observation.objects.filter(unit=tree["A"]).order_by("period_start").first().period_start >= datetime.date(
        2025, 7, 1)
    # the units in force report up to the end asked for (2026 here), weekly and monthly
    for unit in (tree["A"], tree["D"]):
        latest = Observation.objects.filter(unit=unit, metric__code="SIGN_SHARE").latest("period_start")
        assert latest.period == "2026-W26"
        assert Observation.objects.filter(unit=unit, metric__code="WORKFILE_SHARE").latest("period_start").period \
            == "2026-06"
    sign = Metric.objects.get(code="SIGN_SHARE")
    value = rollup.province(sign, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)).value
    assert 0.85 < value < 0.99
    edoc = rollup.province(Metric.objects.get(code="EDOC_SHARE"), datetime.date(2023, 1, 1),
                           datetime.date(2023, 12, 31)).value
    assert edoc > 0.85
    index = rollup.province(Metric.objects.get(code="SERVICE_INDEX"), datetime.date(2026, 1, 1), END).value
    assert 60 < index <= 100


@pytest.mark.parametrize("code", ["EDOC_SHARE", "SIGN_SHARE", "WORKFILE_SHARE", "DVC_FULL_SHARE",
                                  "PAY_ONLINE", "FEEDBACK_ONTIME", "SERVICE_INDEX"])
def test_shipped_definitions(db, code):
    metric = Metric.objects.get(code=code)
    assert metric.numerator_label
    assert metric.targets.exists()
