"""Outlier treatment, COINr ``Treat`` defaults: winsorise, then log-transform if still failing.

    winsorise(x, winmax=5, skew_thresh=2.0, kurt_thresh=3.5, force_win=False)
        -> tuple[ndarray, int, ndarray[str]]            # treated x, points winsorised, "winhi"/"winlo"/""
    log_ct(x) -> ndarray                                # log(x - min + 0.01 * (max - min))
    treat(X, winmax=5, skew_thresh=2.0, kurt_thresh=3.5, combine_treat=False)
        -> tuple[ndarray, list[dict], ndarray[str]]     # treated X, one report per column, per-cell label

The rule, per column (COINr ``Treat.numeric`` with ``f1 = winsorise``, ``f2 = log_CT``,
``f_pass = check_SkewKurt``): a column *fails* when |skew| >= skew_thresh AND kurtosis >= kurt_thresh.
A failing column is winsorised one step at a time: when skew >= 0 every point equal to the
maximum takes the value of the largest remaining point ("winhi"), otherwise every point equal to
the minimum takes the smallest remaining one ("winlo"); steps continue while the column fails and
fewer than ``winmax`` points are winsorised (ties move together, so a step may overshoot). If the
winsorised column still fails, ``log_ct`` is applied to the ORIGINAL column (``combine_treat=False``,
COINr's default) or to the winsorised one (``combine_treat=True``). A column whose skew or kurtosis
is undefined (fewer than 4 values, or constant) is left alone.

Each report has: ``pass0`` ``skew0`` ``kurt0`` (before), ``nwin`` ``pass1`` ``skew1`` ``kurt1`` (after
winsorising, None when not needed), ``log`` (bool), ``pass2`` ``skew2`` ``kurt2`` (after log), and
``treatment``: "none", "winsorise", "log_CT" or "winsorise+log_CT" (combine_treat).
"""

from __future__ import annotations

import numpy as np

from dxindex.stats.describe import skew_and_kurt


def _skew_kurt(v: np.ndarray) -> tuple[float, float]:
    """Skew and kurtosis (describe.skew / describe.kurt) of a 1-D vector without NaN, fast path."""
    n = v.size
    if n < 3:
        return float("nan"), float("nan")
    d = v - v.mean()
    d2 = d * d
    s2 = d2.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        sk = float(np.sqrt(n) * (d2 @ d) / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2))
        if n < 4:
            return sk, float("nan")
        r = n * (d2 @ d2) / (s2 * s2)
        kt = float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))
    return sk, kt


def _passes(x: np.ndarray, skew_thresh: float, kurt_thresh: float) -> tuple[bool, float, float]:
    sk, kt = _skew_kurt(x[~np.isnan(x)])
    fail = abs(sk) >= skew_thresh and kt >= kurt_thresh  # False when either is NaN
    return not fail, sk, kt


def winsorise(
    x, winmax: int | None = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5, force_win: bool = False
) -> tuple[np.ndarray, int, np.ndarray]:
    x = np.array(x, dtype=np.float64)
    avail = np.flatnonzero(~np.isnan(x))
    v = x[avail]  # the loop works on the available values only; positions map back through avail
    sk, kt = _skew_kurt(v)
    passing = not (abs(sk) >= skew_thresh and kt >= kurt_thresh)
    imax = np.empty(0, dtype=np.int64)
    imin = np.empty(0, dtype=np.int64)
    nwin = 0

    def below() -> bool:
        return winmax is None or nwin < winmax

    while (not passing or force_win) and below():
        high = sk >= 0
        edge = v.max() if high else v.min()
        at_edge = v == edge
        rest = v[~at_edge]
        if not rest.size:
            break  # every value is the same: nothing left to pull the edge towards
        if high:
            imax = np.flatnonzero(at_edge)
            v[imax] = rest.max()
        else:
            imin = np.flatnonzero(at_edge)
            v[imin] = rest.min()
        # COINr counts the last index sets: earlier winsorised points are tied with the new edge
        # and so are counted again through it
        nwin = imax.size + imin.size
        sk, kt = _skew_kurt(v)
        passing = not (abs(sk) >= skew_thresh and kt >= kurt_thresh)
    x[avail] = v
    labels = np.full(x.shape, "", dtype="U16")
    labels[avail[imax]] = "winhi"
    labels[avail[imin]] = "winlo"
    return x, nwin, labels


def log_ct(x) -> np.ndarray:
    """COINr ``log_CT``: ``log(x - min(x) + 0.01 * (max(x) - min(x)))``."""
    x = np.asarray(x, dtype=np.float64)
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - mn + 0.01 * (mx - mn))


def treat(
    X,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    combine_treat: bool = False,
) -> tuple[np.ndarray, list[dict], np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    out = X.copy()
    labels = np.full(X.shape, "", dtype="U16")
    sk_all, kt_all = skew_and_kurt(X)
    reports: list[dict] = []
    for j in range(X.shape[1]):
        sk0, kt0 = float(sk_all[j]), float(kt_all[j])
        rep = {
            "pass0": not (abs(sk0) >= skew_thresh and kt0 >= kurt_thresh),
            "skew0": sk0,
            "kurt0": kt0,
            "nwin": 0,
            "pass1": None,
            "skew1": None,
            "kurt1": None,
            "log": False,
            "pass2": None,
            "skew2": None,
            "kurt2": None,
            "treatment": "none",
        }
        reports.append(rep)
        if rep["pass0"]:
            continue
        xw, nwin, lab = winsorise(X[:, j], winmax, skew_thresh, kurt_thresh)
        rep["nwin"] = nwin
        rep["pass1"], rep["skew1"], rep["kurt1"] = _passes(xw, skew_thresh, kurt_thresh)
        if rep["pass1"]:
            out[:, j] = xw
            labels[:, j] = lab
            rep["treatment"] = "winsorise"
            continue
        base = xw if combine_treat else X[:, j]
        xl = log_ct(base)
        rep["log"] = True
        rep["pass2"], rep["skew2"], rep["kurt2"] = _passes(xl, skew_thresh, kurt_thresh)
        out[:, j] = xl
        if combine_treat:
            labels[:, j] = np.where(lab != "", lab + "+log_CT", "log_CT")
            rep["treatment"] = "winsorise+log_CT"
        else:
            labels[:, j] = "log_CT"
            rep["treatment"] = "log_CT"
        labels[np.isnan(X[:, j]), j] = ""
    return out, reports, labels
