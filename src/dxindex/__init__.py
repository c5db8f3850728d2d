"""dxindex: composite-index engine of dxboard (pure Python, no Django).

Example::

    framework = read_framework("frameworks/dti-2022-province.yaml")
    data = read_data("scores.csv")
    result = compute(framework, data)  # Result: .scores, .ranks, .method, .inputs_sha256
"""

from __future__ import annotations

from .data import Dataset
from .errors import FrameworkError, InputError
from .framework import Edge, Framework, Node, Rule, Variable
from .io import data_from_frame, read_data, read_framework, write_data, write_framework, write_result
from .pipeline import Result, compute
from .uncertainty import sensitivity, uncertainty

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
    "data_from_frame",
    "read_data",
    "read_framework",
    "sensitivity",
    "uncertainty",
    "write_data",
    "write_framework",
    "write_result",
]
