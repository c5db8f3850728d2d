import pytest


def make_metric(code="T_RATE", *, rate=True, frequency="weekly", how="sum", **extra):
    from dxboard.kpi.models import Metric

    fields = {"name": f"Chỉ tiêu {code}", "numerator_label": "n", "denominator_label": "d" if rate else "",
              "kind": "rate" if rate else "count",
              "frequency": frequency, "time_aggregation": how, "unit_kinds": ["commune", "department"]}
    fields.update(extra)
    return Metric.objects.create(code=code, **fields)


@pytest.fixture
def metric(db):
    return make_metric()


@pytest.fixture
def source(personas, metric):
    """A source system allowed to write T_RATE only, and its token."""
    from dxboard.kpi import actions

    make_metric("T_OTHER")
    system, token = actions.create_source_system(acting_user=personas["admin"], code="vbdh", name="QLVB",
                                                 metrics=[metric])
    return system, token


def obs(metric, unit, period, num, den=None, source="test"):
    from dxboard.kpi import actions

    return actions.store_observations(acting_user=None, source=source, rows=[
        {"metric": metric.code, "unit": unit.code, "period": period, "numerator": num, "denominator": den}])
