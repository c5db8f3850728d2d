"""Ranks with ties at the minimum rank, overall and within groups, and changes between periods.

    rank_min(X, ascending=True) -> ndarray
        # R ``rank(x, ties.method="min", na.last="keep")`` per column; NaN stays NaN
    rank_desc(X, groups=None) -> ndarray
        # 1 = highest value, ties share the best (minimum) rank, NaN stays NaN;
        # with ``groups`` (1-D labels, one per row) ranks are computed within each group
    rank_change(rank_before, rank_after) -> ndarray
        # before - after: positive = moved up; NaN when either is missing

X may be 1-D (one vector) or 2-D ``(units, columns)``; ranks are float64 so NaN can be kept.
"""

from __future__ import annotations

import numpy as np

from dxindex.stats.impute import group_codes


def rank_min(X, ascending: bool = True) -> np.ndarray:
    """Column-wise "sport" ranks (1 = smallest when ascending), ties at the minimum rank."""
    X = np.asarray(X, dtype=np.float64)
    one_d = X.ndim == 1
    A = X[:, None] if one_d else X
    # rows = columns of X, contiguous: sorting values is ~10x faster than argsort, and the rank with
    # ties at the minimum is 1 + the number of strictly smaller values
    V = np.ascontiguousarray((A if ascending else -A).T)
    S = np.sort(V, axis=1)  # NaN sorts last, so it never counts as smaller
    R = np.empty_like(V)
    for j in range(V.shape[0]):
        R[j] = np.searchsorted(S[j], V[j], side="left")
    R += 1.0
    R[np.isnan(V)] = np.nan
    return R[0] if one_d else R.T


def rank_desc(X, groups=None) -> np.ndarray:
    """Ranks where 1 is best (highest value); within ``groups`` if given."""
    X = np.asarray(X, dtype=np.float64)
    if groups is None:
        return rank_min(X, ascending=False)
    groups = np.asarray(groups)
    if groups.shape[0] != X.shape[0]:
        raise ValueError("groups must have one label per row of X")
    codes, n_groups = group_codes(groups)
    out = np.full(X.shape, np.nan)
    for g in range(n_groups):
        rows = codes == g
        out[rows] = rank_min(X[rows], ascending=False)
    return out


def rank_change(rank_before, rank_after) -> np.ndarray:
    """Places gained between two periods (positive = better rank now)."""
    return np.asarray(rank_before, dtype=np.float64) - np.asarray(rank_after, dtype=np.float64)
