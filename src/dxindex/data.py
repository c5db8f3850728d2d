"""Dataset: the observations a framework is computed on, with where each value came from.

Values are kept as one float table (fast to slice into numpy); cells that were text are kept aside
with their text, because a categorical rule or a state token (`not_applicable`) needs it while a
statistical indicator must reject it, naming the file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SUBMITTED = "submitted"
NOT_SUBMITTED = "not_submitted"
NOT_APPLICABLE = "not_applicable"
REJECTED = "rejected"
STATES = (SUBMITTED, NOT_SUBMITTED, NOT_APPLICABLE, REJECTED)
NA_TOKENS = frozenset({"", "NA", "N/A", "NaN", "nan", "NULL", "null"})
# Spreadsheets filled by province officers carry the Vietnamese words as often as the codes.
STATE_TOKENS = {
    "submitted": SUBMITTED,
    "not_submitted": NOT_SUBMITTED,
    "chưa nộp": NOT_SUBMITTED,
    "not_applicable": NOT_APPLICABLE,
    "không áp dụng": NOT_APPLICABLE,
    "rejected": REJECTED,
    "không được công nhận": REJECTED,
    "bị từ chối": REJECTED,
}
UNIT_COLUMNS = ("uCode", "uName", "Time", "kind")


@dataclass(eq=False)
class Dataset:
    """Unit-period observations.

    `values`: float table, one row per (unit, period), one column per variable (indicators,
    denominators). `units`: the same rows' `uCode`, `uName`, `Time`, `kind` and `*_group` columns.
    `text`: (row position, code) -> text of a cell that is not a number. `states`: (row position,
    code) -> an explicit state given in the data. `rows`: long layout only, the file row of each cell.
    """

    values: pd.DataFrame
    units: pd.DataFrame
    text: dict[tuple[int, str], str]
    states: dict[tuple[int, str], str]
    source: str
    sha256: str
    layout: str
    rows: np.ndarray | None = None

    @property
    def groups(self) -> list[str]:
        return [c for c in self.units.columns if c.endswith("_group")]

    @property
    def periods(self) -> list:
        """Distinct periods in order of appearance; [None] when the data have no period."""
        return list(dict.fromkeys(self.units["Time"].tolist()))

    def where(self, position: int, code: str) -> tuple[int | None, str]:
        """File row and column of a cell, for error messages."""
        if self.rows is not None:
            j = self.values.columns.get_loc(code)
            row = int(self.rows[position, j])
            return (row or None), "value"
        return position + 2, code

    def positions(self, period: object = None) -> np.ndarray:
        """Row positions of one period (all rows when `period` is None)."""
        if period is None:
            return np.arange(len(self.units))
        times = self.units["Time"].map(str).to_numpy()
        return np.flatnonzero(times == str(period))


def state_token(text: str) -> str | None:
    return STATE_TOKENS.get(text.strip().lower())
