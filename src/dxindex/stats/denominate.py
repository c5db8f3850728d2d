"""Denomination: divide extensive indicators by a size variable (COINr ``Denominate``).

    denominate(X, denominators, denom_index, scale=None) -> ndarray

``denominators`` is ``(units, n_denominators)`` (e.g. Area, Population), ``denom_index`` gives for
each indicator column the denominator column to divide by, or -1 to leave it alone (iMeta
``Denominator`` NA). ``scale`` (one per indicator, default 1) is COINr's ``ScaleFactor``:
``x / (denominator / scale)``, so ``scale=1000`` with population in persons gives "per 1000 people".
Division by zero gives inf / NaN exactly like R.
"""

from __future__ import annotations

import numpy as np


def denominate(X, denominators, denom_index, scale=None) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    D = np.asarray(denominators, dtype=np.float64)
    if D.ndim == 1:
        D = D[:, None]
    idx = np.asarray(denom_index, dtype=np.int64)
    if X.ndim != 2 or D.shape[0] != X.shape[0] or idx.shape != (X.shape[1],):
        raise ValueError("X (units, k), denominators (units, m) and denom_index (k,) do not match")
    if idx.max(initial=-1) >= D.shape[1]:
        raise ValueError("denom_index refers to a missing denominator column")
    k = X.shape[1]
    sc = np.ones(k) if scale is None else np.broadcast_to(np.asarray(scale, dtype=np.float64), (k,))
    cols = np.flatnonzero(idx >= 0)
    out = X.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, cols] = X[:, cols] / (D[:, idx[cols]] / sc[cols])
    return out
