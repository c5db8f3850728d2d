"""Properties that must hold for any data: monotonicity, weight invariance, direction flips."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats as sps

from dxindex.stats import aggregate, normalise, rank_desc, rank_min, skew_and_kurt

positive = st.floats(min_value=0.1, max_value=1e3, allow_nan=False)
values = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
MEANS = ["amean", "gmean", "hmean", "genmean:2", "genmean:-1"]


@st.composite
def unit_rows(draw):
    k = draw(st.integers(2, 6))
    X = draw(arrays(np.float64, (draw(st.integers(1, 5)), k), elements=positive))
    w = draw(arrays(np.float64, (k,), elements=positive))
    return X, w


@given(unit_rows(), st.integers(0, 5), st.floats(0.0, 50.0), st.sampled_from(MEANS))
@settings(max_examples=150, deadline=None)
def test_aggregates_never_fall_when_a_child_rises(data, col, bump, method):
    X, w = data
    j = col % X.shape[1]
    Y = X.copy()
    Y[:, j] += bump
    assert (aggregate(Y, w, method) >= aggregate(X, w, method) - 1e-9 * (1 + np.abs(aggregate(X, w, method)))).all()


@given(unit_rows(), st.floats(1e-3, 1e3), st.sampled_from(MEANS))
@settings(max_examples=150, deadline=None)
def test_scaling_every_weight_leaves_the_means_unchanged(data, c, method):
    X, w = data
    np.testing.assert_allclose(aggregate(X, w * c, method), aggregate(X, w, method), rtol=1e-9)


@given(unit_rows())
@settings(max_examples=100, deadline=None)
def test_missing_children_are_dropped_with_their_weights(data):
    X, w = data
    Xm = X.copy()
    Xm[:, 0] = np.nan
    np.testing.assert_allclose(aggregate(Xm, w, "amean"), aggregate(X[:, 1:], w[1:], "amean"), rtol=1e-12)


vectors = arrays(np.float64, st.integers(3, 30), elements=values).filter(lambda v: np.ptp(v) > 1e-6)


@given(vectors)
@settings(max_examples=150, deadline=None)
def test_direction_flips(x):
    up, down = normalise(x, "minmax:0,100"), normalise(x, "minmax:0,100", directions=[-1])
    np.testing.assert_allclose(down, 100 - up, atol=1e-9)
    np.testing.assert_allclose(normalise(x, "zscore", directions=[-1]), -normalise(x, "zscore"), atol=1e-9)
    np.testing.assert_array_equal(normalise(x, "rank", directions=[-1]), rank_desc(x))
    order = np.argsort(x, kind="stable")
    assert (np.diff(up[order]) >= -1e-9).all()  # minmax keeps the order of the values


@given(arrays(np.float64, st.integers(1, 40), elements=st.integers(-5, 5).map(float)))
@settings(max_examples=200, deadline=None)
def test_ranks_match_scipy_min_ties(x):
    np.testing.assert_array_equal(rank_min(x), sps.rankdata(x, method="min"))
    np.testing.assert_array_equal(rank_desc(x), sps.rankdata(-x, method="min"))


@given(arrays(np.float64, st.integers(4, 40), elements=values).filter(lambda v: np.ptp(v) > 1e-3))
@settings(max_examples=150, deadline=None)
def test_skew_and_kurtosis_match_scipy_unbiased(x):
    sk, kt = skew_and_kurt(x)
    np.testing.assert_allclose(sk, sps.skew(x, bias=False), rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(kt, sps.kurtosis(x, bias=False), rtol=1e-7, atol=1e-7)
