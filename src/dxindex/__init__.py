"""dxindex: composite-index engine of dxboard (pure Python, no Django).

framework = read_framework("frameworks/dti-2022-province.yaml")
data = read_data("scores.csv")
result = compute(framework, data)          # Result: .scores, .ranks, .method, .inputs_sha256
"""

from __future__ import annotations

from typing import Any

from .data import Dataset
from .errors import FrameworkError, InputError
from .framework import Edge, Framework, Node, Rule, Variable
from .io import read_data, read_framework, write_data, write_framework, write_result
from .pipeline import Result, compute


def uncertainty(*args: Any, **kwargs: Any) -> Any:
    """Uncertainty and sensitivity analysis; see `dxindex.uncertainty.uncertainty`."""
    from .uncertainty import uncertainty as run  # imported late: the module is optional

    return run(*args, **kwargs)


__all__ = [
    "Dataset",
    "Edge",
    "Framework",
    "FrameworkError",
    "InputError",
    "Node",
    "Result",
    "Rule",
    "Variable",
    "compute",
    "read_data",
    "read_framework",
    "uncertainty",
    "write_data",
    "write_framework",
    "write_result",
]
