"""Column statistics of an indicator matrix, with COINr's definitions (``get_stats``, ``skew``, ``kurt``).

Signatures (X is ``(units, indicators)`` float64 with NaN for missing; every statistic is per column
and ignores NaN):

    skew_and_kurt(X) -> tuple[ndarray, ndarray]
    skew(X: ndarray) -> ndarray          # e1071 type 2 (Excel SKEW); NaN with < 3 values
    kurt(X: ndarray) -> ndarray          # e1071 type 2 excess kurtosis (Excel KURT); NaN with < 4 values
    skew_kurt_pass(X, skew_thresh=2.0, kurt_thresh=3.5) -> ndarray[bool]
        # COINr check_SkewKurt: passes when |skew| < skew_thresh OR kurt < kurt_thresh
    column_stats(X, t_skew=2.0, t_kurt=3.5, t_avail=0.65, t_zero=0.5, t_unq=0.5) -> dict[str, ndarray]
        # COINr get_stats columns: min max mean median std skew kurt n_avail n_nonzero n_unique n_same
        # frc_avail frc_nonzero frc_unique frc_same flag_avail flag_nonzero flag_unique flag_skewkurt

Accepts a 1-D vector too (treated as one column; scalars come back as 0-d arrays).
"""

from __future__ import annotations

import warnings

import numpy as np


def _as2d(X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    return X[:, None] if X.ndim == 1 else X


def _moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    ok = ~np.isnan(X)
    n = ok.sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, X, 0.0).sum(axis=0) / n
    d = np.where(ok, X - mean, 0.0)
    d2 = d * d
    return n, d2.sum(axis=0), (d2 * d).sum(axis=0), (d2 * d2).sum(axis=0)


def skew_and_kurt(X) -> tuple[np.ndarray, np.ndarray]:
    """Both statistics from one pass over the moments (see ``skew`` and ``kurt``)."""
    X = np.asarray(X, dtype=np.float64)
    n, s2, s3, s4 = _moments(_as2d(X))
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * s4 / (s2 * s2)
        k = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    g = np.where(n < 3, np.nan, g)
    k = np.where(n < 4, np.nan, k)
    return (g[0], k[0]) if X.ndim == 1 else (g, k)


def skew(X) -> np.ndarray:
    """Sample skewness, ``sqrt(n) m3 / m2^1.5 * sqrt(n(n-1)) / (n-2)`` over non-missing values."""
    return skew_and_kurt(X)[0]


def kurt(X) -> np.ndarray:
    """Sample excess kurtosis, ``((n+1)(r-3)+6)(n-1)/((n-2)(n-3))`` with ``r = n m4 / m2^2``."""
    return skew_and_kurt(X)[1]


def skew_kurt_pass(X, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> np.ndarray:
    """COINr ``check_SkewKurt``; a column whose skew or kurtosis is undefined passes (nothing to treat)."""
    sk, kt = skew_and_kurt(X)
    with np.errstate(invalid="ignore"):
        fail = (np.abs(sk) >= skew_thresh) & (kt >= kurt_thresh)
    return ~fail


def column_stats(
    X,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
    t_avail: float = 0.65,
    t_zero: float = 0.5,
    t_unq: float = 0.5,
) -> dict[str, np.ndarray]:
    """Per-column statistics and flags as in COINr ``get_stats`` (without its rounding).

    As in COINr, ``frc_nonzero`` and ``frc_unique`` are fractions of available values, but the
    ``flag_nonzero`` and ``flag_unique`` flags compare counts with the number of rows.
    Flags are booleans: True means the column is flagged (COINr's "LOW" / "OUT").
    """
    X = _as2d(X)
    n_rows = X.shape[0]
    ok = ~np.isnan(X)
    n_avail = ok.sum(axis=0)
    # all-NaN columns are legitimate (an indicator nobody reported yet): NaN, not a warning
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mn, mx = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
        mean, median = np.nanmean(X, axis=0), np.nanmedian(X, axis=0)
        std = np.nanstd(X, axis=0, ddof=1)
    n_nonzero = (ok & (X != 0)).sum(axis=0)
    n_unique = np.zeros(X.shape[1], dtype=np.int64)
    n_same = np.zeros(X.shape[1], dtype=np.int64)
    for j in range(X.shape[1]):
        _, counts = np.unique(X[ok[:, j], j], return_counts=True)
        n_unique[j] = counts.size
        n_same[j] = counts.max() if counts.size else 0
    sk, kt = skew_and_kurt(X)
    with np.errstate(invalid="ignore", divide="ignore"):
        frc_avail = n_avail / n_rows
        out = {
            "min": mn,
            "max": mx,
            "mean": mean,
            "median": median,
            "std": std,
            "skew": sk,
            "kurt": kt,
            "n_avail": n_avail,
            "n_nonzero": n_nonzero,
            "n_unique": n_unique,
            "n_same": n_same,
            "frc_avail": frc_avail,
            "frc_nonzero": n_nonzero / n_avail,
            "frc_unique": n_unique / n_avail,
            "frc_same": n_same / n_avail,
            "flag_avail": frc_avail < t_avail,
            "flag_nonzero": n_nonzero / n_rows < t_zero,
            "flag_unique": n_unique / n_rows < t_unq,
            "flag_skewkurt": (np.abs(sk) > t_skew) & (kt > t_kurt),
        }
    return out
