"""Roll-ups on hand-made numbers: the province's rate is Σ numerators / Σ denominators, not the mean of
the units' rates; over time by rate of sums, last value or mean."""

import datetime

import pytest

from dxboard.kpi import periods, rollup

from .conftest import make_metric, obs

W1, W2 = datetime.date(2026, 1, 5), datetime.date(2026, 1, 12)


def test_combine_is_the_rate_of_sums_not_the_mean_of_rates():
    figure = rollup.combine([(9, 10), (50, 100)])
    assert (figure.numerator, figure.denominator) == (59, 110)
    assert figure.value == pytest.approx(59 / 110)  # 0.536, while the mean of 0.9 and 0.5 is 0.7
    assert rollup.combine([(3, None), (4, None)], "count").value == 7
    assert rollup.combine([(70, None), (90, None)], "score").value == (70 + 90) / 2
    assert rollup.combine([]) is None
    assert rollup.combine([(0, 0)]).value is None


def test_over_time_by_aggregation():
    series = [(W2, 30, 40), (W1, 10, 10)]  # out of order on purpose
    assert rollup.over_time(series, "sum").value == pytest.approx(40 / 50)
    assert rollup.over_time(series, "last").value == pytest.approx(0.75)
    assert rollup.over_time(series, "mean").value == pytest.approx((1.0 + 0.75) / 2)
    assert rollup.over_time([], "sum") is None


def test_across_units_sums_each_units_figure():
    rows = [("A", W1, 9, 10), ("A", W2, 1, 10), ("B", W1, 50, 100), ("B", W2, 30, 100)]
    assert rollup.across_units(rows, "sum").value == pytest.approx(90 / 220)
    assert rollup.across_units(rows, "last").value == pytest.approx(31 / 110)
    assert rollup.across_units(rows, "mean").value == pytest.approx(((0.9 + 0.1) / 2 + (0.5 + 0.3) / 2) / 2)
    assert rollup.by_period([(W1, 9, 10), (W1, 50, 100), (W2, 1, 10)])[W1].value == pytest.approx(59 / 110)


def test_queryset_rollups_match_the_pure_functions(tree):
    rate = make_metric()
    obs(rate, tree["A"], "2026-W02", 9, 10)
    obs(rate, tree["B"], "2026-W02", 50, 100)
    obs(rate, tree["D"], "2026-W02", 10, 10)
    obs(rate, tree["A"], "2026-W03", 1, 10)
    series = rollup.series(rate)
    assert series[W1].value == pytest.approx(69 / 120) and series[W1].count == 3
    assert series[W2].value == pytest.approx(0.1)
    assert rollup.province(rate, W1, W1, unit_kind="commune").value == pytest.approx(59 / 110)
    assert rollup.province(rate).value == pytest.approx(70 / 130)
    per_unit = rollup.per_unit(rate, W1, W2)
    assert per_unit[tree["A"].pk].value == pytest.approx(10 / 20)
    last = make_metric("T_LAST", how="last")
    obs(last, tree["A"], "2026-W02", 9, 10)
    obs(last, tree["A"], "2026-W03", 2, 10)
    obs(last, tree["B"], "2026-W02", 50, 100)
    assert rollup.province(last).value == pytest.approx(52 / 110)


def test_a_correction_replaces_the_value_in_rollups(tree):
    rate = make_metric()
    obs(rate, tree["A"], "2026-W02", 5, 10)
    obs(rate, tree["A"], "2026-W02", 8, 10)
    assert rollup.province(rate).value == pytest.approx(0.8)


@pytest.mark.parametrize(("key", "start", "end"), [
    ("2026-W01", datetime.date(2025, 12, 29), datetime.date(2026, 1, 4)),
    ("2026-02", datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
    ("2024-Q1", datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)),
    ("2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
])
def test_period_keys(key, start, end):
    frequency, s, e = periods.parse(key)
    assert (s, e) == (start, end)
    assert periods.key_for(s, frequency) == key


def test_bad_period_keys():
    for key in ("2026-13", "2026-W60", "x", "2026-Q5"):
        with pytest.raises(ValueError):
            periods.parse(key)
