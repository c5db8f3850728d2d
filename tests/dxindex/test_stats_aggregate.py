"""Aggregation methods against hand-worked values; COINr's NA handling and copeland quirk."""

import numpy as np
import pytest

from dxindex.stats import aggregate, aggregate_groups, aggregate_matrix

NAN = np.nan
X = np.array([[1.0, 4.0, NAN], [2.0, 2.0, 2.0], [NAN, NAN, NAN]])
W = np.array([1.0, 2.0, 1.0])


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12, equal_nan=True)


def test_means_renormalise_weights_over_available_values():
    close(aggregate(X, W, "amean"), [3.0, 2.0, NAN])  # (1 + 2*4) / 3
    close(aggregate(X, W, "gmean"), [16 ** (1 / 3), 2.0, NAN])  # exp((log 1 + 2 log 4) / 3)
    close(aggregate(X, W, "hmean"), [2.0, 2.0, NAN])  # 3 / (1/1 + 2/4)
    close(aggregate(X, W, "genmean:2"), [np.sqrt(11.0), 2.0, NAN])  # sqrt((1 + 2*16) / 3)
    close(aggregate(X, W, "sum"), [9.0, 8.0, NAN])


def test_data_availability_threshold():
    close(aggregate(X, W, "amean", dat_thresh=0.7), [NAN, 2.0, NAN])  # 2/3 available < 0.7
    close(aggregate(X, W, "amean", dat_thresh=2 / 3), [3.0, 2.0, NAN])  # not below: kept


def test_means_refuse_values_they_cannot_take():
    Z = np.array([[0.0, 1.0]])
    with pytest.raises(ValueError):
        aggregate(Z, None, "gmean")
    with pytest.raises(ValueError):
        aggregate(Z, None, "hmean")
    with pytest.raises(ValueError):
        aggregate(Z, None, "genmean:-1")
    with pytest.raises(ValueError):
        aggregate(Z, None, "genmean:0")


def test_copeland_hand_worked():
    Y = np.array([[1.0, 2.0, NAN], [3.0, 4.0, 5.0], [5.0, 0.0, 1.0], [7.0, 7.0, 7.0]])
    close(aggregate(Y, None, "copeland"), [-3.0, 1.0, -1.0, 3.0])


def test_copeland_fills_the_lower_triangle_as_one_minus_the_upper_like_coinr():
    # row 0 vs row 1: only the second column is comparable, 1 > 0, so o[0,1] = 1/2 -> 0, and
    # COINr sets o[1,0] = 1 - 1/2 -> 0 although row 1 alone would lose that comparison
    Y = np.array([[NAN, 1.0], [5.0, 0.0]])
    close(aggregate(Y, None, "copeland"), [0.0, 0.0])


def test_groups_and_a_child_feeding_two_parents():
    Y = np.array([[1.0, 3.0, 5.0], [2.0, NAN, 4.0]])
    close(aggregate_groups(Y, [0, 0, 1], [1.0, 1.0, 1.0]), [[2.0, 5.0], [2.0, 4.0]])
    Wm = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 3.0]])  # column 1 feeds both aggregates
    close(aggregate_matrix(Y, Wm, "amean"), [[2.0, 4.5], [2.0, 4.0]])
    close(aggregate_matrix(Y, Wm, "sum"), [[4.0, 18.0], [2.0, 12.0]])
    close(aggregate_matrix(Y, Wm, "amean", dat_thresh=0.75), [[2.0, 4.5], [NAN, NAN]])
