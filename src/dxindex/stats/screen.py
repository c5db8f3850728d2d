"""Unit screening by data availability and zeros (COINr ``Screen`` / ``get_data_avail``).

    screen_units(X, unit_screen="byNA", dat_thresh=2/3, nonzero_thresh=0.05,
                 force_include=None, force_exclude=None) -> dict[str, ndarray]

Returns per unit (row): ``n_missing``, ``n_zero``, ``dat_avail`` = 1 - n_missing / k,
``non_zero`` = 1 - n_zero / (k - n_missing), ``low_data`` (dat_avail < dat_thresh),
``low_nonzero`` (non_zero < nonzero_thresh) and ``included``. ``unit_screen`` is ``"byNA"``,
``"byzeros"``, ``"byNAandzeros"`` or ``"none"``. ``force_include`` / ``force_exclude`` are boolean
masks (one per row) that override the rule, exclusion winning as in COINr (it is applied last).
"""

from __future__ import annotations

import numpy as np

SCREEN_METHODS = ("byNA", "byzeros", "byNAandzeros", "none")


def screen_units(
    X,
    unit_screen: str = "byNA",
    dat_thresh: float = 2 / 3,
    nonzero_thresh: float = 0.05,
    force_include=None,
    force_exclude=None,
) -> dict[str, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    if not (0 <= dat_thresh <= 1 and 0 <= nonzero_thresh <= 1):
        raise ValueError("dat_thresh and nonzero_thresh must be between 0 and 1")
    k = X.shape[1]
    miss = np.isnan(X)
    n_missing = miss.sum(axis=1)
    n_zero = ((X == 0) & ~miss).sum(axis=1)
    dat_avail = 1 - n_missing / k
    with np.errstate(invalid="ignore", divide="ignore"):
        non_zero = 1 - n_zero / (k - n_missing)
    low_data = dat_avail < dat_thresh
    low_nonzero = non_zero < nonzero_thresh
    if unit_screen == "byNA":
        included = ~low_data
    elif unit_screen == "byzeros":
        included = ~low_nonzero
    elif unit_screen == "byNAandzeros":
        included = ~(low_data | low_nonzero)
    elif unit_screen == "none":
        included = np.ones(X.shape[0], dtype=bool)
    else:
        raise ValueError(f"unit_screen must be one of {SCREEN_METHODS}, got {unit_screen!r}")
    if force_include is not None:
        included = included | np.asarray(force_include, dtype=bool)
    if force_exclude is not None:
        included = included & ~np.asarray(force_exclude, dtype=bool)
    return {
        "n_missing": n_missing,
        "n_zero": n_zero,
        "dat_avail": dat_avail,
        "non_zero": non_zero,
        "low_data": low_data,
        "low_nonzero": low_nonzero,
        "included": included,
    }
