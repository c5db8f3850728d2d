"""Audit tables: statistics, correlations, Cronbach's alpha, PCA, strengths, cheapest points."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from dxindex.audit import audit, cheapest_points, cronbach_alpha, pca
from dxindex.framework import AGGREGATE, POINTS, Edge, Framework, Node, Rule
from dxindex.io import read_data, read_framework

ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data


@pytest.fixture(scope="module")
def asem_audit():
    fw = read_framework(ASEM / "ASEM_iMeta.csv")
    data = read_data(ASEM / "ASEM_iData.csv")
    return fw, data, audit(fw, data, impute="mean")


def test_cronbach_alpha_hand_worked():
    # complete: item variances 1 and 7/3, total [3, 5, 8] variance 19/3, alpha = 2 (1 - (10/3)/(19/3))
    X = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]])
    assert cronbach_alpha(X) == pytest.approx(18 / 19, abs=1e-12)
    # COINr uses pairwise-complete covariances: var = 1 and 35/12 (4 values), cov = 3/2 (3 pairs);
    # alpha = 2 (1 - (47/12) / (83/12)) = 72/83, where dropping the incomplete unit would give 18/19
    Y = np.vstack([X, [np.nan, 1.0]])
    assert cronbach_alpha(Y) == pytest.approx(72 / 83, abs=1e-12)


def test_pca_of_two_identical_columns_has_one_component():
    share, vecs = pca(np.array([[1.0, 2.0], [2.0, 4.0], [4.0, 8.0]]))
    np.testing.assert_allclose(share, [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(vecs[:, 0], [2**-0.5, 2**-0.5], atol=1e-12)


def test_asem_statistics_and_outlier_flags(asem_audit):
    fw, data, a = asem_audit
    raw = data.values[fw.indicators]
    t = a["indicators"]
    sk = np.array([sps.skew(raw[c].dropna(), bias=False) for c in raw])
    ku = np.array([sps.kurtosis(raw[c].dropna(), bias=False) for c in raw])
    np.testing.assert_allclose(t["skew"], sk, rtol=1e-9)
    assert t["flag_skewkurt"].tolist() == ((np.abs(sk) > 2) & (ku > 3.5)).tolist()
    np.testing.assert_allclose(t["frc_avail"], raw.notna().mean().to_numpy())


def test_asem_correlations_alpha_and_pca(asem_audit):
    fw, data, a = asem_audit
    from dxindex.pipeline import compute

    scores = compute(fw, data, impute="mean").scores
    pd.testing.assert_frame_equal(a["correlations"], scores[fw.indicators].corr(), check_names=False)
    p = a["parents"].set_index(["iCode", "parent"])["r"]
    assert p[("LPI", "Physical")] == pytest.approx(scores["LPI"].corr(scores["Physical"]), abs=1e-12)
    kids = [c for c, _ in fw.children["Physical"]]
    K = scores[kids]
    alpha = len(kids) / (len(kids) - 1) * (1 - K.var().sum() / K.sum(axis=1).var())
    got = a["cronbach"].set_index("aggregate").loc["Physical", "alpha"]
    assert got == pytest.approx(alpha, abs=1e-12)
    Z = (K - K.mean()) / K.std()
    sv = np.linalg.svd(Z.to_numpy(), compute_uv=False)
    share = a["pca_variance"].loc["Physical"].dropna().to_numpy()
    np.testing.assert_allclose(share, sv**2 / (sv**2).sum(), atol=1e-12)


def test_strengths_and_weaknesses_are_the_best_and_worst_ranked_indicators(asem_audit):
    fw, data, a = asem_audit
    s = a["strengths"]
    aut = s[s["uCode"] == "AUT"]
    best = aut[aut["kind"] == "strength"]["rank"].to_numpy()
    worst = aut[aut["kind"] == "weakness"]["rank"].to_numpy()
    assert len(best) == 3 and len(worst) == 3
    assert (np.diff(best) >= 0).all() and (np.diff(worst) <= 0).all()
    assert best.max() <= worst.min()


def _points_framework():
    def ind(code, parents, mx):
        return Node(code, parents=tuple(Edge(p, w) for p, w in parents), rule=Rule("fraction", mx))

    nodes = (
        ind("I1", [("A", 1.0), ("B", 0.5)], 10.0),  # feeds two aggregates
        ind("I2", [("A", 1.0)], 20.0),
        ind("I3", [("B", 1.0)], 5.0),
        Node("A", kind=AGGREGATE, parents=(Edge("T", 1.0),)),
        Node("B", kind=AGGREGATE, parents=(Edge("T", 2.0),)),
        Node("T", kind=AGGREGATE),
    )
    return Framework(nodes, model=POINTS)


class _Result:
    def __init__(self, points, max_points):
        self.points, self.max_points = points, max_points


def test_cheapest_points_orders_by_points_gained_at_the_top():
    fw = _points_framework()
    codes = fw.codes
    pts = pd.DataFrame([[4.0, 20.0, 0.0, np.nan, np.nan, np.nan]], index=["U1"], columns=codes)
    cap = pd.DataFrame([[10.0, 20.0, 5.0, 30.0, 10.0, 50.0]], index=["U1"], columns=codes)
    t = cheapest_points(fw, _Result(pts, cap), "U1")
    # I1: 6 points left, reaching T as 6 * (1 + 0.5 * 2) = 12; I3: 5 * 2 = 10; I2 is complete
    assert t["iCode"].tolist() == ["I1", "I3"]
    np.testing.assert_allclose(t["gain"], [12.0, 10.0])
    np.testing.assert_allclose(t["remaining_share"], [0.6, 1.0])


def test_audit_of_a_points_framework_lists_each_units_cheapest_points(tmp_path):
    from dxindex.pipeline import compute

    nodes = (
        Node("f", parents=(Edge("T"),), rule=Rule("fraction", 10)),
        Node("b", parents=(Edge("T"),), rule=Rule("binary", 4)),
        Node("s", parents=(Edge("T"),), rule=Rule("step", 30, steps=((1, 10), (5, 30)))),
        Node("T", kind=AGGREGATE),
    )
    fw = Framework(nodes, model=POINTS).check()
    path = tmp_path / "d.csv"
    path.write_text(
        "unit,indicator,value,kind,state\nU1,f,0.25,,\nU1,b,có,,\nU1,s,,,not_submitted\n"
        "U2,f,1,,\nU2,b,không,,\nU2,s,5,,\n",
        encoding="utf-8",
    )
    data = read_data(path)
    res = audit(fw, data, compute(fw, data))
    c = res["cheapest"]
    u1 = c[c["uCode"] == "U1"]
    assert u1["iCode"].tolist() == ["s", "f"]  # the unsent step indicator holds the most points
    np.testing.assert_allclose(u1["gain"], [30.0, 7.5])
    assert c[c["uCode"] == "U2"]["iCode"].tolist() == ["b"]
