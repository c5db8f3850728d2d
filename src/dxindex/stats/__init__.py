"""Statistical building blocks of the composite-index engine: arrays in, arrays out.

Every function takes ``X`` shaped ``(units, indicators)`` float64 with NaN for missing, and follows
the definitions of the R package COINr (see each module's docstring for the exact formula and any
documented deviation). The pipeline (`dxindex.pipeline`) composes them.
"""

from dxindex.stats.aggregate import (
    AGGREGATE_METHODS,
    aggregate,
    aggregate_groups,
    aggregate_matrix,
    weight_matrix,
)
from dxindex.stats.denominate import denominate
from dxindex.stats.describe import column_stats, kurt, skew, skew_and_kurt, skew_kurt_pass
from dxindex.stats.impute import IMPUTE_METHODS, group_codes, impute, impute_panel
from dxindex.stats.normalise import NORMALISE_METHODS, normalise
from dxindex.stats.rank import rank_change, rank_desc, rank_min
from dxindex.stats.screen import SCREEN_METHODS, screen_units
from dxindex.stats.spec import parse_method
from dxindex.stats.treat import log_ct, treat, winsorise

__all__ = [
    "AGGREGATE_METHODS",
    "IMPUTE_METHODS",
    "NORMALISE_METHODS",
    "SCREEN_METHODS",
    "aggregate",
    "aggregate_groups",
    "aggregate_matrix",
    "column_stats",
    "denominate",
    "group_codes",
    "impute",
    "impute_panel",
    "kurt",
    "log_ct",
    "normalise",
    "parse_method",
    "rank_change",
    "rank_desc",
    "rank_min",
    "screen_units",
    "skew",
    "skew_and_kurt",
    "skew_kurt_pass",
    "treat",
    "weight_matrix",
    "winsorise",
]
