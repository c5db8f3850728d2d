"""Aggregation of child columns into parent scores (COINr ``a_amean``, ``a_gmean``, ``a_hmean``,
``a_genmean``, ``a_copeland`` and ``Aggregate``'s ``dat_thresh``).

    aggregate(X, weights=None, method="amean", dat_thresh=None) -> ndarray            # (units,)
    aggregate_groups(X, parent, weights=None, method="amean", dat_thresh=None, n_groups=None)
        -> ndarray                                                                   # (units, n_groups)
    aggregate_matrix(X, W, method="amean", dat_thresh=None, member=None) -> ndarray  # (units, n_aggs)
        # W: (children, aggregates) weights, 0 = not a child (Framework.steps); DAGs allowed
    AGGREGATE_METHODS: tuple[str, ...]

``X`` is ``(units, children)``; ``parent[j]`` is the group (0..n_groups-1) that child column ``j``
belongs to; ``weights`` one per child (default 1). Per unit and group, over the AVAILABLE children
only (weights renormalised over them, as COINr does):

    amean        sum(w x) / sum(w)
    gmean        exp(sum(w log x) / sum(w))           all x > 0, else ValueError
    hmean        sum(w) / sum(w / x)                  no x == 0, else ValueError
    genmean:p    (sum(w x^p) / sum(w))^(1/p)          p != 0; x > 0 when p < 0
    sum          sum(w x) (no renormalisation: points frameworks add points; weight 1 = as is)
    copeland     COINr a_copeland over the units of the data set: outranking matrix
                 o[i,j] = w(x_i > x_j) + w(x_i = x_j)/2 (w / sum(w), NA comparisons count 0),
                 o[j,i] = 1 - o[i,j] for i < j; score = sum_j sign(o[i,j] - 1/2)

All children missing gives NaN. ``dat_thresh``: when the fraction of available children of a group
is below it, the result is NaN (COINr ignores ``dat_thresh`` for copeland; here it applies to
every method). Deviation: COINr's ``a_genmean`` returns NA as soon as one child is missing; here
it renormalises like the other means.
"""

from __future__ import annotations

import numpy as np

from dxindex.stats.spec import check_args, parse_method, unknown

AGGREGATE_METHODS = ("amean", "gmean", "hmean", "genmean", "copeland", "sum")


def aggregate(X, weights=None, method: str = "amean", dat_thresh: float | None = None) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    return aggregate_groups(X, np.zeros(X.shape[1], dtype=np.int64), weights, method, dat_thresh, 1)[:, 0]


def weight_matrix(parent, weights, n_groups: int) -> np.ndarray:
    """``(children, n_groups)`` matrix with each child's weight in its parent's column."""
    parent = np.asarray(parent, dtype=np.int64)
    W = np.zeros((parent.size, n_groups))
    W[np.arange(parent.size), parent] = weights
    return W


def aggregate_groups(
    X,
    parent,
    weights=None,
    method: str = "amean",
    dat_thresh: float | None = None,
    n_groups: int | None = None,
) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    parent = np.asarray(parent, dtype=np.int64)
    k = X.shape[1]
    if parent.shape != (k,):
        raise ValueError("parent must give one group per column of X")
    G = int(parent.max(initial=-1)) + 1 if n_groups is None else n_groups
    w = np.ones(k) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (k,):
        raise ValueError("weights must be one number per column of X")
    member = weight_matrix(parent, np.ones(k), G) > 0
    return aggregate_matrix(X, weight_matrix(parent, w, G), method, dat_thresh, member)


def aggregate_matrix(
    X,
    W,
    method: str = "amean",
    dat_thresh: float | None = None,
    member=None,
) -> np.ndarray:
    """Aggregate with a ``(children, aggregates)`` weight matrix: a child may feed several parents.

    ``member[j, g]`` says child ``j`` belongs to aggregate ``g`` (default ``W > 0``, the convention of
    ``Framework.steps``); it matters for ``dat_thresh`` and copeland.
    """
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != X.shape[1] or np.isnan(W).any():
        raise ValueError("W must be a (children, aggregates) matrix of non-missing weights")
    M = (W > 0) if member is None else np.asarray(member, dtype=bool)
    name, args = parse_method(method)
    avail = ~np.isnan(X)
    Mf = M.astype(np.float64)
    n_avail = avail.astype(np.float64) @ Mf
    with np.errstate(invalid="ignore", divide="ignore"):
        if name == "copeland":
            check_args(name, args, 0, 0)
            out = (
                np.column_stack([_copeland(X[:, M[:, g]], W[M[:, g], g]) for g in range(W.shape[1])])
                if W.shape[1]
                else np.empty((X.shape[0], 0))
            )
        else:
            out = _means(name, args, X, avail, np.where(M, W, 0.0))
        out = np.where(n_avail > 0, out, np.nan)
        if dat_thresh is not None:
            if not 0 <= dat_thresh <= 1:
                raise ValueError("dat_thresh must be between 0 and 1")
            out = np.where(n_avail / Mf.sum(axis=0) < dat_thresh, np.nan, out)
    return out


def _means(name: str, args: tuple, X: np.ndarray, avail: np.ndarray, W: np.ndarray) -> np.ndarray:
    den = avail.astype(np.float64) @ W
    if name == "amean":
        check_args(name, args, 0, 0)
        return np.where(avail, X, 0.0) @ W / den
    if name == "sum":
        check_args(name, args, 0, 0)
        return np.where(avail, X, 0.0) @ W
    if name == "gmean":
        check_args(name, args, 0, 0)
        if (X[avail] <= 0).any():
            raise ValueError("gmean needs positive values: normalise away zeros and negatives first")
        return np.exp(np.where(avail, np.log(np.where(avail, X, 1.0)), 0.0) @ W / den)
    if name == "hmean":
        check_args(name, args, 0, 0)
        if (X[avail] == 0).any():
            raise ValueError("hmean needs non-zero values: normalise away zeros first")
        return den / (np.where(avail, 1.0 / np.where(avail, X, 1.0), 0.0) @ W)
    if name == "genmean":
        check_args(name, args, 1, 1)
        p = args[0]
        if p == 0:
            raise ValueError("genmean:0 is the geometric mean in the limit: use gmean")
        if p < 0 and (X[avail] <= 0).any():
            raise ValueError("genmean with p < 0 needs positive values")
        return (np.where(avail, np.where(avail, X, 1.0) ** p, 0.0) @ W / den) ** (1.0 / p)
    raise unknown("aggregation", "tổng hợp", name, AGGREGATE_METHODS)


def _copeland(X: np.ndarray, w: np.ndarray, block: int = 256) -> np.ndarray:
    n = X.shape[0]
    w = w / np.nansum(w)
    scores = np.zeros(n)
    cols = np.arange(n)
    for s in range(0, n, block):
        A = X[s : s + block, None, :]
        B = X[None, :, :]
        gt = (A > B) @ w
        lt = (A < B) @ w
        eq = (A == B) @ w
        rows = np.arange(s, min(s + block, n))[:, None]
        # COINr fills the upper triangle from row i's view and the lower one as 1 - upper, which
        # differs from the row's own view only when comparisons involve NA
        orm = np.where(rows < cols[None, :], gt + eq / 2, 1.0 - (lt + eq / 2))
        sgn = np.sign(orm - 0.5)
        sgn[rows[:, 0] - s, rows[:, 0]] = 0.0
        scores[s : s + block] = sgn.sum(axis=1)
    return scores
