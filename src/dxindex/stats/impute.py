"""Imputation of missing indicator values (COINr ``i_mean``, ``i_median``, ``i_*_grp``, ``impute_panel``).

Signatures:

    impute(X, method="mean", groups=None) -> ndarray
        method: "mean" | "median" | "mean_grp[:COL]" | "median_grp[:COL]" | "none"
        Column-wise: each NaN gets the mean / median of the available values of its column, or of
        its column within the unit's group (``groups``: one label per row; the ``:COL`` part of the
        spec names the group column for the caller and is ignored here). Units whose group label
        is missing (None / NaN) are left untouched (COINr ``skip_f_na = TRUE``); a group or column
        with no value at all stays NaN.
    impute_panel(X, units, times, max_time=None) -> tuple[ndarray, ndarray]
        Panel data, one row per (unit, time): each NaN takes the unit's value from the latest
        earlier period where it is present, looking back at most ``max_time`` periods of the panel
        (COINr ``impute_panel``; periods counted over all distinct times). Returns the imputed
        matrix and, per cell, the time the value came from (NaN where still missing; for periods
        that are not numbers, the period label and None). Periods sort as numbers or as text.
    IMPUTE_METHODS: tuple[str, ...]
"""

from __future__ import annotations

import warnings

import numpy as np

from dxindex.stats.spec import parse_method, unknown

IMPUTE_METHODS = ("mean", "median", "mean_grp", "median_grp", "none")


def _centre(name: str, X: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(X, axis=0) if name == "mean" else np.nanmedian(X, axis=0)


def impute(X, method: str = "mean", groups=None) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    name, _ = parse_method(method)
    if name not in IMPUTE_METHODS:
        raise unknown("imputation", "thay thế giá trị thiếu", name, IMPUTE_METHODS)
    out = X.copy()
    miss = np.isnan(X)
    if name == "none" or not miss.any():
        return out
    if name in ("mean", "median"):
        fill = np.broadcast_to(_centre(name, X), X.shape)
        out[miss] = fill[miss]
        return out
    if groups is None:
        raise ValueError(f"{name} needs a group label per unit")
    codes, n_groups = group_codes(groups)
    if codes.shape[0] != X.shape[0]:
        raise ValueError("groups must have one label per row of X")
    base = name.removesuffix("_grp")
    for g in range(n_groups):
        rows = codes == g
        if not miss[rows].any():
            continue
        sub = X[rows]
        fill = np.broadcast_to(_centre(base, sub), sub.shape)
        sub_miss = miss[rows]
        sub = sub.copy()
        sub[sub_miss] = fill[sub_miss]
        out[rows] = sub
    return out


def group_codes(groups) -> tuple[np.ndarray, int]:
    """Integer code per row (-1 for a missing label) and the number of distinct labels."""
    labels = list(groups.tolist() if isinstance(groups, np.ndarray) else groups)
    index: dict = {}
    codes = np.empty(len(labels), dtype=np.int64)
    for i, g in enumerate(labels):
        if g is None or (isinstance(g, float) and np.isnan(g)):
            codes[i] = -1
        else:
            codes[i] = index.setdefault(g, len(index))
    return codes, len(index)


def impute_panel(X, units, times, max_time: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    units = np.asarray(units)
    times = np.asarray(times)
    u_vals, u_idx = np.unique(units, return_inverse=True)
    t_vals, t_idx = np.unique(times, return_inverse=True)
    if len(set(zip(u_idx.tolist(), t_idx.tolist(), strict=True))) != X.shape[0]:
        raise ValueError("each (unit, time) pair must appear once")
    n_u, n_t, k = len(u_vals), len(t_vals), X.shape[1]
    cube = np.full((n_u, n_t, k), np.nan)
    cube[u_idx, t_idx] = X
    period = np.arange(n_t)[None, :, None]
    # latest period with a value, at or before each period (-1 if none yet)
    last = np.maximum.accumulate(np.where(np.isnan(cube), -1, period), axis=1)
    if max_time is not None:
        last = np.where(period - last > max_time, -1, last)
    src = np.take_along_axis(cube, np.maximum(last, 0), axis=1)
    src = np.where(last >= 0, src, np.nan)
    try:
        labels = t_vals.astype(np.float64)
        missing: object = np.nan
    except ValueError:  # periods such as "2025-Q1": keep the labels, None where nothing was found
        labels, missing = t_vals.astype(object), None
    src_time = np.where(last >= 0, labels[np.maximum(last, 0)], missing)
    return src[u_idx, t_idx], src_time[u_idx, t_idx]
