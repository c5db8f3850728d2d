"""Monte Carlo uncertainty of ranks and Sobol sensitivity indices."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dxindex import stats
from dxindex.io import read_data, read_framework
from dxindex.pipeline import compute
from dxindex.uncertainty import _hist_quantiles, sensitivity, sobol_indices, uncertainty

ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data
ALT = dict(
    normalisations=["minmax:1,100", "zscore:10,2", "rank"],
    imputations=["mean", "median_grp:GDP_group"],
    aggregations=["amean", "gmean"],
)


@pytest.fixture(scope="module")
def asem():
    return read_framework(ASEM / "ASEM_iMeta.csv"), read_data(ASEM / "ASEM_iData.csv")


def test_sobol_indices_of_a_linear_model():
    # y = x1 + 2 x2 + 0 x3 with independent U(0,1) inputs: S = ST = a^2 / sum(a^2) = 0.2, 0.8, 0
    res = sobol_indices(lambda U: U @ np.array([1.0, 2.0, 0.0]), 3, 4096, seed=3)
    np.testing.assert_allclose(res["S1"], [0.2, 0.8, 0.0], atol=0.03)
    np.testing.assert_allclose(res["ST"], [0.2, 0.8, 0.0], atol=0.03)


def test_sobol_indices_of_the_ishigami_function():
    def ishigami(U):
        x = -np.pi + 2 * np.pi * U
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    res = sobol_indices(ishigami, 3, 2**14, seed=1, n_boot=50)
    np.testing.assert_allclose(res["S1"], [0.3139, 0.4424, 0.0], atol=0.04)
    np.testing.assert_allclose(res["ST"], [0.5576, 0.4424, 0.2437], atol=0.04)
    assert (res["ST_lo"] <= res["ST_hi"]).all()


def test_histogram_quantiles_are_inverted_cdf_quantiles():
    rng = np.random.default_rng(0)
    ranks = rng.integers(1, 8, size=(5, 37))
    hist = np.zeros((5, 8), dtype=np.int32)
    for u in range(5):
        np.add.at(hist[u], ranks[u], 1)
    expected = np.quantile(ranks, [0.05, 0.5, 0.95], axis=1, method="inverted_cdf").T
    np.testing.assert_array_equal(_hist_quantiles(hist, (0.05, 0.5, 0.95)), expected)


def test_nominal_ranks_equal_compute(asem):
    fw, data = asem
    res = uncertainty(fw, data, n=20, seed=1, **ALT)
    ref = compute(fw, data, impute="mean", normalise="minmax:1,100")
    np.testing.assert_array_equal(res["nominal"].to_numpy(), ref.ranks["Index"].to_numpy())
    assert list(res.columns) == ["nominal", "median", "q05", "q95", "mean_abs_shift"]
    assert res.index.tolist() == data.units["uCode"].tolist()


def test_seeded_reproducible_and_independent_of_chunking(asem):
    fw, data = asem
    a = uncertainty(fw, data, n=60, seed=7, chunk=100, **ALT)
    b = uncertainty(fw, data, n=60, seed=7, chunk=7, **ALT)
    c = uncertainty(fw, data, n=60, seed=8, **ALT)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert (a["q05"] <= a["median"]).all() and (a["median"] <= a["q95"]).all()


def test_no_uncertainty_gives_the_nominal_rank_everywhere(asem):
    fw, data = asem
    res = uncertainty(fw, data, n=10, seed=0, weight_noise=0.0, imputations=["mean"])
    for col in ("median", "q05", "q95"):
        np.testing.assert_array_equal(res[col].to_numpy(), res["nominal"].to_numpy())
    assert (res["mean_abs_shift"] == 0).all()


def test_draws_match_a_straightforward_evaluation(asem):
    """Replays each draw (documented protocol: per-draw generator spawned from the seed, choice of
    imputation, normalisation, aggregation, then U(-1,1) noise per level) with plain stats calls."""
    fw, data = asem
    n, seed, noise = 12, 5, 0.4
    res = uncertainty(fw, data, n=n, seed=seed, weight_noise=noise, **ALT)
    X0 = data.values[fw.indicators].to_numpy(float)
    groups = data.units["GDP_group"].to_numpy(object)
    nodes = [fw.by_code[c] for c in fw.indicators]
    d = np.array([x.direction for x in nodes], float)
    t = np.array([np.nan if x.target is None else x.target for x in nodes])
    all_ranks = []
    for ss in np.random.SeedSequence(seed).spawn(n):
        rng = np.random.default_rng(ss)
        i, j, k = rng.integers(2), rng.integers(3), rng.integers(2)
        X = stats.impute(X0, ALT["imputations"][i], groups=groups)
        V = np.full((X.shape[0], len(fw.codes)), np.nan)
        V[:, : X.shape[1]] = stats.normalise(X, ALT["normalisations"][j], directions=d, targets=t)
        for step in fw.steps:
            w = step.weights * (1 + noise * rng.uniform(-1, 1, step.weights.size))
            V[:, step.aggregates] = stats.aggregate_groups(
                V[:, step.children], step.group, w, ALT["aggregations"][k], None, step.aggregates.size
            )
        all_ranks.append(stats.rank_desc(V[:, fw.codes.index("Index")]))
    R = np.array(all_ranks)
    q = np.quantile(R, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    np.testing.assert_array_equal(res["q05"], q[0])
    np.testing.assert_array_equal(res["median"], q[1])
    np.testing.assert_array_equal(res["q95"], q[2])
    np.testing.assert_allclose(res["mean_abs_shift"], np.abs(R - res["nominal"].to_numpy()).mean(axis=0))


def test_sensitivity_names_assumptions_and_an_inert_one_scores_zero(asem):
    fw, data = asem
    res = sensitivity(
        fw,
        data,
        n=64,
        seed=2,
        weight_noise={2: 0.3},
        normalisations=["minmax:1,100", "rank"],
        imputations=["mean", "mean"],  # two identical alternatives: no effect at all
    )
    assert res.index.tolist() == ["weights:L2", "imputation", "normalisation"]
    assert res.loc["imputation", "ST"] == 0.0 and res.loc["imputation", "S1"] == 0.0
    assert res.loc["normalisation", "ST"] > 0.1


def test_panel_imputation_is_refused(asem):
    fw, data = asem
    with pytest.raises(ValueError):
        uncertainty(fw, data, n=2, imputations=["panel"])


def test_weight_noise_is_keyed_by_the_level_of_the_weighted_node(asem):
    fw, data = asem
    # the index (level 4) is nobody's child: noise there perturbs nothing
    calm = uncertainty(fw, data, n=30, seed=3, weight_noise={4: 0.9}, imputations=["mean"])
    assert (calm["mean_abs_shift"] == 0).all()
    # level 3 = the two sub-index weights feeding the index
    moved = uncertainty(fw, data, n=30, seed=3, weight_noise={3: 0.9}, imputations=["mean"])
    assert (moved["mean_abs_shift"] > 0).any()


def test_nominal_ranks_equal_compute_on_a_panel_period_with_every_fixed_setting():
    fw = read_framework(ASEM / "ASEM_iMeta.csv")
    data = read_data(ASEM / "ASEM_iData_p.csv")
    fixed = dict(treat="winsorise", denominate=True, screen_threshold=0.9, dat_thresh=0.5)
    # no imputation, so that screening (which follows imputation, as in COINr's example) drops units
    res = uncertainty(fw, data, n=5, seed=0, period=2021, **fixed)
    ref = compute(fw, data, period=2021, impute="none", **fixed)
    assert 0 < len(res) < (data.units["Time"] == 2021).sum()  # screening dropped some units
    assert res.index.tolist() == ref.ranks.index.tolist()
    np.testing.assert_array_equal(res["nominal"].to_numpy(), ref.ranks["Index"].to_numpy())
