import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dxindex import Edge, Framework, InputError, Node, Variable, compute, read_data, read_framework
from dxindex.framework import AGGREGATE


def golden_framework():
    """x1, x2 (direction -1) -> A;  x2, 3 x x3 -> B;  A, B -> I."""
    return Framework(
        nodes=(
            Node("x1", parents=(Edge("A", 1),), denominator="pop"),
            Node("x2", direction=-1, parents=(Edge("A", 1), Edge("B", 1))),
            Node("x3", parents=(Edge("B", 3),)),
            Node("A", kind=AGGREGATE, parents=(Edge("I", 1),)),
            Node("B", kind=AGGREGATE, parents=(Edge("I", 1),)),
            Node("I", kind=AGGREGATE),
        ),
        denominators=(Variable("pop"),),
        groups=(Variable("size_group"),),
    ).check()


def idata(tmp_path, rows, header="uCode,size_group,Time,pop,x1,x2,x3"):
    path = tmp_path / "iData.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return read_data(path)


GOLDEN = ["U1,S,2024,1,0,10,2", "U2,L,2024,1,5,0,4", "U3,L,2024,1,10,5,6"]


def test_golden_minmax_and_weighted_arithmetic_means(tmp_path):
    r = compute(golden_framework(), idata(tmp_path, GOLDEN))
    s = r.scores
    assert list(s.columns) == ["x1", "x2", "x3", "A", "B", "I"]
    assert s["x1"].tolist() == [0, 50, 100]
    assert s["x2"].tolist() == [0, 100, 50]  # direction -1: the smallest raw value is best
    assert s["x3"].tolist() == [0, 50, 100]
    assert s["A"].tolist() == [0, 75, 75]
    assert s["B"].tolist() == [0, 62.5, 87.5]
    assert s["I"].tolist() == [0, 68.75, 81.25]
    assert r.ranks["I"].tolist() == [3, 2, 1]
    assert r.ranks["A"].tolist() == [3, 1, 1]  # ties share the best rank
    assert r.group_ranks["size_group"]["I"].tolist() == [1, 2, 1]
    assert list(s.index) == ["U1", "U2", "U3"]


def test_missing_children_are_skipped_unless_below_the_data_threshold(tmp_path):
    rows = ["U1,S,2024,1,0,10,2", "U2,L,2024,1,5,0,4", "U3,L,2024,1,10,5,NA"]
    r = compute(golden_framework(), idata(tmp_path, rows))
    assert r.scores.loc["U3", "B"] == 50  # x2 alone, weights renormalised
    assert r.scores["x3"].tolist()[:2] == [0, 100]
    r = compute(golden_framework(), idata(tmp_path, rows), dat_thresh=0.6)
    assert math.isnan(r.scores.loc["U3", "B"]) and math.isnan(r.scores.loc["U3", "I"])
    assert math.isnan(r.ranks.loc["U3", "I"])


def test_mean_imputation_fills_before_normalising(tmp_path):
    rows = ["U1,S,2024,1,0,10,2", "U2,L,2024,1,5,0,4", "U3,L,2024,1,10,5,NA"]
    r = compute(golden_framework(), idata(tmp_path, rows), impute="mean")
    assert r.scores["x3"].tolist() == [0, 100, 50]
    r = compute(golden_framework(), idata(tmp_path, rows), impute="mean_grp:size_group")
    assert r.scores["x3"].tolist() == [0, 100, 100]  # U3 takes U2's value, the only other L


def test_screening_drops_units_with_too_little_data(tmp_path):
    rows = ["U1,S,2024,1,0,10,2", "U2,L,2024,1,5,0,4", "U3,L,2024,1,10,NA,NA"]
    r = compute(golden_framework(), idata(tmp_path, rows), screen_threshold=0.5)
    assert list(r.scores.index) == ["U1", "U2"]
    assert r.screened_out == [(2024, "U3")]
    assert r.scores["x1"].tolist() == [0, 100]


def test_imputation_comes_before_screening_as_in_coinr(tmp_path):
    rows = ["U1,S,2024,1,0,10,2", "U2,L,2024,1,5,0,4", "U3,L,2024,1,10,NA,NA"]
    r = compute(golden_framework(), idata(tmp_path, rows), impute="mean", screen_threshold=0.5)
    assert list(r.scores.index) == ["U1", "U2", "U3"] and r.screened_out == []


def test_denomination_divides_by_the_denominator_column(tmp_path):
    rows = ["U1,S,2024,1,0,10,2", "U2,L,2024,10,5,0,4", "U3,L,2024,2,10,5,6"]
    plain = compute(golden_framework(), idata(tmp_path, rows))
    assert plain.scores["x1"].tolist() == [0, 50, 100]
    r = compute(golden_framework(), idata(tmp_path, rows), denominate=True)
    assert r.scores["x1"].tolist() == [0, 10, 100]  # 0, 0.5, 5 after division


def test_aggregation_method_per_level(tmp_path):
    r = compute(golden_framework(), idata(tmp_path, GOLDEN), aggregate={3: "sum"})
    assert r.scores["I"].tolist() == [0, 137.5, 162.5]
    assert r.scores["A"].tolist() == [0, 75, 75]


def test_a_geometric_mean_of_zero_is_an_input_error_naming_the_cell(tmp_path):
    with pytest.raises(InputError) as err:
        compute(golden_framework(), idata(tmp_path, GOLDEN), aggregate="gmean")
    assert err.value.column == "x1" and err.value.row == 2
    assert "needs positive values" in str(err.value) and "cần giá trị dương" in str(err.value)
    ok = compute(golden_framework(), idata(tmp_path, GOLDEN), aggregate="gmean", normalise="minmax:1,100")
    assert ok.scores.loc["U2", "A"] == pytest.approx(math.sqrt(50.5 * 100))


def test_winsorising_pulls_an_outlier_to_the_next_value(tmp_path):
    fw = Framework(nodes=(Node("x", parents=(Edge("I", 1),)), Node("I", kind=AGGREGATE))).check()
    values = [*range(1, 10), 1000]
    data = idata(tmp_path, [f"U{i},{v}" for i, v in enumerate(values)], header="uCode,x")
    plain = compute(fw, data)
    treated = compute(fw, data, treat="winsorise")
    assert plain.scores["x"].iloc[8] == pytest.approx(8 / 999 * 100)
    assert treated.scores["x"].tolist() == pytest.approx([(v - 1) / 8 * 100 for v in [*range(1, 10), 9]])


def test_each_period_is_computed_on_its_own_and_changes_are_reported(tmp_path):
    rows = [*GOLDEN, "U1,S,2025,1,10,0,6", "U2,L,2025,1,5,5,4", "U3,L,2025,1,0,10,2"]
    data = idata(tmp_path, rows)
    r = compute(golden_framework(), data)
    assert r.scores.index.names == ["Time", "uCode"]
    assert r.scores.loc[(2025, "U1"), "I"] == 100 and r.scores.loc[(2024, "U1"), "I"] == 0
    change = r.changes(2024, 2025)
    assert change["score"].loc["U1", "I"] == 100
    assert change["rank"].loc["U1", "I"] == 2  # from 3rd to 1st
    only = compute(golden_framework(), data, period="2025")
    assert list(only.scores.index) == ["U1", "U2", "U3"]
    assert only.scores["I"].tolist() == [100, 50, 0]


def test_panel_normalisation_is_global_unless_asked_per_period(tmp_path):
    rows = [*GOLDEN, "U1,S,2025,1,20,10,2", "U2,L,2025,1,5,0,4", "U3,L,2025,1,10,5,6"]
    data = idata(tmp_path, rows)
    shared = compute(golden_framework(), data)
    # x1 spans 0..20 over both periods: 2024's 5 and 10 land at 25 and 50 on the shared scale
    assert shared.scores.xs(2024, level="Time")["x1"].tolist() == [0, 25, 50]
    assert shared.scores.xs(2025, level="Time")["x1"].tolist() == [100, 25, 50]
    apart = compute(golden_framework(), data, normalise_global=False)
    assert apart.scores.xs(2024, level="Time")["x1"].tolist() == [0, 50, 100]
    assert apart.scores.xs(2025, level="Time")["x1"].tolist() == pytest.approx([100, 0, 100 / 3])


def test_the_inputs_hash_follows_framework_data_and_method(tmp_path):
    fw = golden_framework()
    data = idata(tmp_path, GOLDEN)
    a = compute(fw, data).inputs_sha256
    assert a == compute(fw, data).inputs_sha256 and len(a) == 64
    assert a != compute(fw, data, normalise="zscore").inputs_sha256
    other = idata(tmp_path, ["U1,S,2024,1,0,10,2", "U2,L,2024,1,5,0,4", "U3,L,2024,1,10,5,7"])
    assert a != compute(fw, other).inputs_sha256


def test_unknown_indicator_and_text_are_input_errors_naming_where(tmp_path):
    fw = golden_framework()
    with pytest.raises(InputError) as err:
        compute(fw, idata(tmp_path, ["U1,S,2024,1,0,10,2,9"], header="uCode,size_group,Time,pop,x1,x2,x3,x9"))
    assert (err.value.row, err.value.column) == (1, "x9") and "unknown indicator x9" in str(err.value)
    with pytest.raises(InputError) as err:
        compute(fw, idata(tmp_path, ["U1,S,2024,1,0,10,2", "U2,L,2024,1,five,0,4"]))
    assert (err.value.row, err.value.column) == (3, "x1")
    assert "'five' is not a number" in str(err.value) and "không phải là số" in str(err.value)
    long = tmp_path / "long.csv"
    long.write_text("unit,indicator,value\nU1,x1,1\nU1,nope,2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        compute(fw, read_data(long))
    assert (err.value.row, err.value.column) == (3, "indicator")


def test_unknown_method_settings_are_refused(tmp_path):
    with pytest.raises(TypeError, match="normalize"):
        compute(golden_framework(), idata(tmp_path, GOLDEN), normalize="minmax")
    with pytest.raises(InputError, match="winsorise"):
        compute(golden_framework(), idata(tmp_path, GOLDEN), treat="boxcox")


def test_result_serialises_to_plain_json_types(tmp_path):
    rows = ["U1,S,2024,1,0,10,2", "U2,L,2024,1,5,0,4", "U3,L,2024,1,10,5,NA"]
    out = compute(golden_framework(), idata(tmp_path, rows), dat_thresh=0.6).to_dict()
    assert out["scores"][2]["B"] is None
    assert out["ranks"][0]["I"] == 2.0  # U3 has no index score and no rank
    assert set(out["group_ranks"]) == {"size_group"}
    assert isinstance(out["scores"][0]["I"], float)


def test_large_inputs_stay_fast(tmp_path):
    """3,321 units x 100 indicators x 5 periods; the benchmark proper lives in bench/."""
    import time

    rng = np.random.default_rng(1)
    codes = [f"i{j}" for j in range(100)]
    nodes = [Node(c, parents=(Edge(f"P{j // 10}", 1),)) for j, c in enumerate(codes)]
    nodes += [Node(f"P{p}", kind=AGGREGATE, parents=(Edge("I", 1),)) for p in range(10)]
    fw = Framework(nodes=(*nodes, Node("I", kind=AGGREGATE))).check()
    n = 3321
    frame = pd.DataFrame(rng.random((n * 5, 100)), columns=codes)
    frame.insert(0, "Time", np.repeat(np.arange(2020, 2025), n))
    frame.insert(0, "uCode", [f"U{u}" for u in range(n)] * 5)
    frame.to_csv(tmp_path / "big.csv", index=False)
    data = read_data(tmp_path / "big.csv")
    start = time.perf_counter()
    r = compute(fw, data)
    elapsed = time.perf_counter() - start
    assert r.scores.shape == (n * 5, 111)
    assert elapsed < 1.0, elapsed


def test_an_indicator_may_carry_its_own_normalisation_and_treatment(tmp_path):
    fw = golden_framework()
    nodes = list(fw.nodes)
    nodes[2] = replace(nodes[2], normalise="none")
    own = Framework(nodes=tuple(nodes), denominators=fw.denominators, groups=fw.groups).check()
    r = compute(own, idata(tmp_path, GOLDEN))
    assert r.scores["x3"].tolist() == [2, 4, 6]  # raw values, the others still min-max
    assert r.scores["x1"].tolist() == [0, 50, 100]
    assert r.method["normalise"] == "minmax:0,100"


def test_goalposts_come_from_each_indicator_when_not_given(tmp_path):
    fw = golden_framework()
    posts = {"x1": (0.0, 20.0, 100.0), "x2": (0.0, 10.0, 100.0), "x3": (2.0, 4.0, 100.0)}
    nodes = tuple(replace(n, goalposts=posts.get(n.code)) for n in fw.nodes)
    own = Framework(nodes=nodes, denominators=fw.denominators, groups=fw.groups).check()
    r = compute(own, idata(tmp_path, GOLDEN), normalise="goalposts")
    assert r.scores["x1"].tolist() == [0, 25, 50]
    assert r.scores["x2"].tolist() == [0, 100, 50]  # direction -1: (high - x) / (high - low)
    assert r.scores["x3"].tolist() == [0, 100, 100]  # truncated at the upper goalpost
    with pytest.raises(InputError, match="needs goalposts for x1, x2, x3"):
        compute(golden_framework(), idata(tmp_path, GOLDEN), normalise="goalposts")


ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data
# head(get_results(build_example_coin(), dset = "Aggregated", tab_type = "Aggs")) as printed in COINr's
# "Presenting Results" vignette (CRAN): Index, Conn, Sust and the eight pillars, rounded to 2 decimals
COINR_TOP6 = {
    "CHE": [68.38, 62.79, 73.98, 63.41, 32.87, 74.78, 85.94, 56.93, 77.21, 87.85, 56.88],
    "NLD": [64.82, 61.94, 67.70, 64.87, 46.62, 84.55, 71.74, 41.92, 58.73, 86.58, 57.78],
    "DNK": [64.80, 57.10, 72.51, 50.52, 30.43, 78.13, 75.35, 51.04, 69.83, 86.40, 61.29],
    "NOR": [64.47, 57.44, 71.50, 58.18, 25.70, 80.03, 89.46, 33.80, 70.90, 87.00, 56.59],
    "BEL": [63.54, 63.99, 63.09, 71.97, 48.22, 80.84, 75.60, 43.32, 53.01, 86.17],
    "SWE": [63.00, 53.87, 72.12, 51.51, 23.87, 80.98, 74.51, 38.50, 66.37],
}
COINR_COLUMNS = ["Index", "Conn", "Sust", "Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social"]


def test_the_asem_example_coin_matches_coinr_published_results():
    # build_example_coin(): Denominate, Impute(i_mean_grp, EurAsia_group), Screen(byNA, 0.9),
    # Treat(winmax 5), Normalise(minmax 0-100), Aggregate(a_amean)
    r = compute(
        read_framework(ASEM / "ASEM_iMeta.csv"),
        read_data(ASEM / "ASEM_iData.csv"),
        denominate=True,
        impute="mean_grp:EurAsia_group",
        screen_threshold=0.9,
        treat="winsorise:5",
    )
    columns = [*COINR_COLUMNS, "SusEcFin"]
    for rank, (unit, expected) in enumerate(COINR_TOP6.items(), start=1):
        got = r.scores.loc[unit, columns[: len(expected)]].round(2).tolist()
        assert got == pytest.approx(expected, abs=1e-9), unit
        assert r.ranks.loc[unit, "Index"] == rank


def test_json_reports_changes_between_consecutive_periods(tmp_path):
    rows = [*GOLDEN, "U1,S,2025,1,10,0,6", "U2,L,2025,1,5,5,4", "U3,L,2025,1,0,10,2"]
    out = compute(golden_framework(), idata(tmp_path, rows)).to_dict()
    (change,) = out["changes"]
    assert (change["from"], change["to"]) == (2024, 2025)
    u1 = next(r for r in change["rank"] if r["uCode"] == "U1")
    assert u1["I"] == 2 and next(r for r in change["score"] if r["uCode"] == "U1")["I"] == 100
