"""Normalisation of indicator columns onto a common scale, with COINr's definitions (``n_*``).

    normalise(X, method="minmax:0,100", directions=None, targets=None, goalposts=None) -> ndarray
    NORMALISE_METHODS: tuple[str, ...]

``method`` (see :func:`dxindex.stats.spec.parse_method`), per column ``x`` after the direction
``d`` (+1 / -1, default +1) is applied as ``x * d`` exactly as COINr's ``Normalise.numeric`` does:

    minmax[:l,u]     (x - min) / (max - min) * (u - l) + l                 default l,u = 0,100
    zscore[:m,s]     (x - mean) / sd * s + m, sd with n-1                  default m,s = 0,1
    dist2max         1 - (max - x) / (max - min)
    rank             rank(x), ties at the minimum
    prank            (rank(x) - 1) / (n_available - 1)
    borda            rank(x) - 1
    fracmax          x / max
    none             x (direction still applied)
    dist2targ[:cap]  needs ``targets`` (one per column, raw units). d=+1: (x - min) / (t - min);
                     d=-1: (max - x) / (max - t) on the raw values (COINr: target flipped with the
                     indicator). ``:cap`` (or ``:1``) caps scores above the target at 1.
    goalposts[:l,u,a] raw-unit goalposts, from the spec for every column or from ``goalposts``
                     (array ``(indicators, 3)`` of l, u, a). d=+1: (x - l)/(u - l); d=-1: (u - x)/(u - l);
                     truncated to [0, 1], times a (default a = 1; ``goalposts`` may be ``(k, 2)``).

A constant column gives NaN for minmax / zscore / dist2max (0/0), as in COINr.
"""

from __future__ import annotations

import warnings

import numpy as np

from dxindex.stats.rank import rank_min
from dxindex.stats.spec import check_args, parse_method, unknown

NORMALISE_METHODS = (
    "minmax",
    "zscore",
    "goalposts",
    "dist2targ",
    "dist2max",
    "rank",
    "prank",
    "borda",
    "fracmax",
    "none",
)


def _colstat(fn, X: np.ndarray, **kw) -> np.ndarray:
    # an all-missing column is allowed; it stays all NaN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(X, axis=0, **kw)


def normalise(X, method: str = "minmax:0,100", directions=None, targets=None, goalposts=None) -> np.ndarray:
    """Normalise every column of ``X`` with one method; returns a new float64 array."""
    X = np.asarray(X, dtype=np.float64)
    one_d = X.ndim == 1
    A = X[:, None] if one_d else X
    k = A.shape[1]
    d = np.ones(k) if directions is None else np.broadcast_to(np.asarray(directions, dtype=np.float64), (k,))
    if not np.all(np.isin(d, (-1.0, 1.0))):
        raise ValueError("directions must be +1 or -1")
    name, args = parse_method(method)
    with np.errstate(invalid="ignore", divide="ignore"):
        if name == "goalposts":
            Y = _goalposts(A, d, args, goalposts)
        elif name == "dist2targ":
            Y = _dist2targ(A, d, args, targets)
        else:
            Y = _by_direction(A * d, name, args)
    return Y[:, 0] if one_d else Y


def _by_direction(V: np.ndarray, name: str, args: tuple) -> np.ndarray:
    if name == "minmax":
        lo, hi = _pair(name, args, (0.0, 100.0))
        mn, mx = _colstat(np.nanmin, V), _colstat(np.nanmax, V)
        return (V - mn) / (mx - mn) * (hi - lo) + lo
    if name == "zscore":
        m, s = _pair(name, args, (0.0, 1.0))
        if s <= 0:
            raise ValueError("zscore target standard deviation must be > 0")
        return (V - _colstat(np.nanmean, V)) / _colstat(np.nanstd, V, ddof=1) * s + m
    check_args(name, args, 0, 0)
    if name == "dist2max":
        mn, mx = _colstat(np.nanmin, V), _colstat(np.nanmax, V)
        return 1 - (mx - V) / (mx - mn)
    if name == "rank":
        return rank_min(V)
    if name == "prank":
        n_avail = (~np.isnan(V)).sum(axis=0)
        return (rank_min(V) - 1) / (n_avail - 1)
    if name == "borda":
        return rank_min(V) - 1
    if name == "fracmax":
        return V / _colstat(np.nanmax, V)
    if name == "none":
        return V.copy()
    raise unknown("normalisation", "chuẩn hoá", name, NORMALISE_METHODS)


def _pair(name: str, args: tuple, default: tuple[float, float]) -> tuple[float, float]:
    if not args:
        return default
    check_args(name, args, 2, 2)
    return args[0], args[1]


def _dist2targ(A: np.ndarray, d: np.ndarray, args: tuple, targets) -> np.ndarray:
    check_args("dist2targ", args, 0, 1, numeric=False)
    cap = bool(args) and str(args[0]).lower() in ("cap", "1.0", "true", "cap_max")
    if targets is None:
        raise ValueError("dist2targ needs one target per indicator")
    t = np.broadcast_to(np.asarray(targets, dtype=np.float64), (A.shape[1],))
    if np.isnan(t).any():
        raise ValueError("dist2targ target is missing for some indicator")
    mn, mx = _colstat(np.nanmin, A), _colstat(np.nanmax, A)
    Y = np.where(d > 0, (A - mn) / (t - mn), (mx - A) / (mx - t))
    if cap:
        Y = np.where(Y > 1, 1.0, Y)
    return Y


def _goalposts(A: np.ndarray, d: np.ndarray, args: tuple, goalposts) -> np.ndarray:
    k = A.shape[1]
    if args:
        check_args("goalposts", args, 2, 3)
        gp = np.tile(np.asarray(args + ((1.0,) if len(args) == 2 else ()), dtype=np.float64), (k, 1))
    elif goalposts is not None:
        gp = np.asarray(goalposts, dtype=np.float64)
        if gp.ndim != 2 or gp.shape[0] != k or gp.shape[1] not in (2, 3):
            raise ValueError("goalposts must be shaped (indicators, 2) or (indicators, 3)")
        if gp.shape[1] == 2:
            gp = np.column_stack([gp, np.ones(k)])
    else:
        raise ValueError("goalposts needs l,u[,a] in the method or a goalposts array")
    lo, hi, scale = gp[:, 0], gp[:, 1], gp[:, 2]
    Y = np.where(d > 0, (A - lo) / (hi - lo), (hi - A) / (hi - lo))
    Y = np.clip(Y, 0.0, 1.0)  # NaN passes through clip unchanged
    return Y * scale
