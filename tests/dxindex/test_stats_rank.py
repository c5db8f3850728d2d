"""Ranks: 1 = best, ties at the minimum rank, NaN kept, within groups, changes."""

import numpy as np

from dxindex.stats import rank_change, rank_desc, rank_min

NAN = np.nan


def close(a, b):
    np.testing.assert_array_equal(a, b)


def test_sport_ranking_with_ties_and_missing():
    close(rank_desc(np.array([3.0, 1.0, 3.0, NAN, 5.0])), [2, 4, 2, NAN, 1])
    close(rank_min(np.array([3.0, 1.0, 3.0, NAN, 5.0])), [2, 1, 2, NAN, 4])


def test_columns_are_ranked_independently():
    X = np.array([[1.0, 9.0], [2.0, 9.0], [2.0, 1.0]])
    close(rank_desc(X), [[3, 1], [1, 1], [1, 3]])


def test_ranks_within_groups():
    x = np.array([5.0, 4.0, 3.0, 9.0, 9.0, 1.0])
    g = np.array(["a", "a", "b", "b", "a", None], dtype=object)
    close(rank_desc(x, g), [2, 3, 2, 1, 1, NAN])


def test_rank_change_is_places_gained():
    close(rank_change([3, 1, NAN], [1, 2, 4]), [2, -1, NAN])
