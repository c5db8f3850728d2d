"""Framework model: a graph of indicators (leaves) and aggregates, validated and levelled.

A node may feed several parents, each edge with its own weight (Vietnam's DTI counts every
foundation index in three pillars and again in the total), so the structure is a DAG, not a tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .errors import FrameworkError

INDICATOR = "indicator"
AGGREGATE = "aggregate"
POINTS = "points"
STATISTICAL = "statistical"
SOURCES = ("self", "kpi", "tasks", "itprojects", "feedback", "survey")
RULE_TYPES = ("fraction", "ratio", "step", "categorical", "binary", "goalposts")
EFFECTS = ("score", "bonus", "penalty")


@dataclass(frozen=True)
class Rule:
    """How a points framework turns an indicator value into points.

    `effect` = bonus or penalty: the points are added (subtracted) but the maximum is not counted
    in the parent's maximum, as in provincial rules (điểm thưởng, điểm trừ).
    """

    type: str
    max_points: float
    effect: str = "score"
    denominator: str | float | None = None  # ratio: a data variable code or a constant
    steps: tuple[tuple[float, float], ...] = ()  # step: (threshold, points), value >= threshold
    choices: tuple[tuple[str, float], ...] = ()  # categorical: (choice, points)
    low: float | None = None  # goalposts
    high: float | None = None

    def faults(self, code: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.type not in RULE_TYPES:
            out.append((f"{code}: unknown rule type {self.type!r}", f"{code}: loại quy tắc không rõ {self.type!r}"))
        if self.effect not in EFFECTS:
            out.append((f"{code}: unknown rule effect {self.effect!r}", f"{code}: tác động không rõ {self.effect!r}"))
        if not np.isfinite(self.max_points) or self.max_points < 0:
            out.append((f"{code}: maximum points must be >= 0", f"{code}: điểm tối đa phải >= 0"))
        if self.type == "ratio" and self.denominator is None:
            out.append((f"{code}: ratio rule needs a denominator", f"{code}: quy tắc tỷ lệ cần mẫu số"))
        if self.type == "step" and not self.steps:
            out.append((f"{code}: step rule needs thresholds", f"{code}: quy tắc bậc cần ngưỡng"))
        if self.type == "categorical" and not self.choices:
            out.append((f"{code}: categorical rule needs choices", f"{code}: quy tắc lựa chọn cần phương án"))
        if self.type == "goalposts" and (self.low is None or self.high is None or self.low == self.high):
            out.append((f"{code}: goalposts need distinct low and high", f"{code}: cần ngưỡng thấp và cao khác nhau"))
        awarded = [p for _, p in self.steps] + [p for _, p in self.choices]
        if any(p < 0 or p > self.max_points for p in awarded):
            out.append(
                (
                    f"{code}: points of a step or choice exceed the maximum",
                    f"{code}: điểm của bậc/phương án vượt điểm tối đa",
                )
            )
        return out


@dataclass(frozen=True)
class Edge:
    parent: str
    weight: float | None = None


@dataclass(frozen=True)
class Node:
    code: str
    kind: str = INDICATOR
    name_vi: str = ""
    name_en: str = ""
    level: int | None = None
    direction: int = 1
    parents: tuple[Edge, ...] = ()
    unit: str = ""
    applies_to: tuple[str, ...] = ()  # unit kinds; empty = every kind
    rule: Rule | None = None
    max_points: float | None = None  # aggregates of a points framework: declared total, checked
    target: float | None = None
    denominator: str | None = None  # statistical: data variable this indicator is divided by
    normalise: str | None = None  # statistical: this indicator's own normalisation method
    treat: str | None = None  # statistical: this indicator's own outlier treatment
    goalposts: tuple[float, float, float] | None = None  # statistical: low, high, scale (raw units)
    source: str | None = None
    evidence: str = ""
    note: str = ""

    @property
    def is_indicator(self) -> bool:
        return self.kind == INDICATOR

    def applies(self, unit_kind: str | None) -> bool:
        return not self.applies_to or unit_kind is None or unit_kind in self.applies_to


@dataclass(frozen=True)
class Variable:
    """A data column that is not scored: a group (`*_group`) or a denominator."""

    code: str
    name_vi: str = ""
    name_en: str = ""
    unit: str = ""


@dataclass(frozen=True)
class LevelStep:
    """One aggregation level, as a list of edges so that a child may feed two aggregates of a level.

    Edge `e` carries column `children[e]` (a position in `Framework.codes`) into aggregate number
    `group[e]` (0..len(aggregates)-1) with weight `weights[e]`.
    """

    level: int
    aggregates: np.ndarray  # positions in `Framework.codes` of the aggregates of this level
    children: np.ndarray
    group: np.ndarray
    weights: np.ndarray

    def child_matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distinct child columns, their (children, aggregates) weights and membership."""
        columns, row = np.unique(self.children, return_inverse=True)
        w = np.zeros((columns.size, self.aggregates.size))
        member = np.zeros(w.shape, dtype=bool)
        np.add.at(w, (row, self.group), self.weights)
        member[row, self.group] = True
        return columns, w, member

    def matrix(self, n_codes: int) -> np.ndarray:
        """Dense (n_codes, n_aggregates) weight matrix: `values @ matrix` sums weighted children."""
        w = np.zeros((n_codes, self.aggregates.size))
        np.add.at(w, (self.children, self.group), self.weights)
        return w


@dataclass(frozen=True, eq=False)
class Framework:
    nodes: tuple[Node, ...]
    code: str = ""
    name_vi: str = ""
    name_en: str = ""
    model: str = STATISTICAL
    version: str = ""
    template: bool = False
    note: str = ""
    groups: tuple[Variable, ...] = ()
    denominators: tuple[Variable, ...] = ()
    source_file: str | None = field(default=None, compare=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Framework):
            return NotImplemented
        keys = (
            "nodes",
            "code",
            "name_vi",
            "name_en",
            "model",
            "version",
            "template",
            "note",
            "groups",
            "denominators",
        )
        return all(getattr(self, k) == getattr(other, k) for k in keys)

    __hash__ = None  # type: ignore[assignment]

    # -- validation -------------------------------------------------------------------------
    def faults(self) -> list[tuple[str, str]]:
        """Every fault of the graph, as (English, Vietnamese) pairs; empty when valid."""
        return list(self._faults)

    @cached_property
    def _faults(self) -> tuple[tuple[str, str], ...]:
        # a framework is immutable, so it is validated once however often it is computed
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for node in self.nodes:
            if node.code in seen:
                out.append((f"duplicate code {node.code}", f"mã trùng {node.code}"))
            seen.add(node.code)
        by_code = {n.code: n for n in self.nodes}
        for node in self.nodes:
            out += self._node_faults(node, by_code)
        for cycle in _cycles(self.nodes, by_code):
            path = " -> ".join(cycle)
            out.append((f"cycle {path}", f"vòng lặp {path}"))
        if not out:
            out += self._level_and_total_faults()
        return tuple(out)

    def _node_faults(self, node: Node, by_code: Mapping[str, Node]) -> list[tuple[str, str]]:
        c = node.code
        out: list[tuple[str, str]] = []
        if not c:
            out.append(("a node has no code", "có nút không có mã"))
        if node.kind not in (INDICATOR, AGGREGATE):
            out.append((f"{c}: unknown type {node.kind!r}", f"{c}: loại nút không rõ {node.kind!r}"))
        if node.direction not in (1, -1):
            out.append((f"{c}: direction must be 1 or -1", f"{c}: chiều phải là 1 hoặc -1"))
        if node.source is not None and node.source not in SOURCES:
            out.append((f"{c}: unknown source {node.source!r}", f"{c}: nguồn dữ liệu không rõ {node.source!r}"))
        for edge in node.parents:
            parent = by_code.get(edge.parent)
            if parent is None:
                out.append((f"{c}: unknown parent {edge.parent}", f"{c}: nút cha không tồn tại {edge.parent}"))
            elif parent.is_indicator:
                out.append(
                    (
                        f"{c}: parent {edge.parent} is an indicator",
                        f"{c}: nút cha {edge.parent} là chỉ số thành phần",
                    )
                )
            if edge.weight is None and self.model == STATISTICAL:
                out.append((f"{c}: missing weight towards {edge.parent}", f"{c}: thiếu trọng số với {edge.parent}"))
            elif edge.weight is not None and (not np.isfinite(edge.weight) or edge.weight < 0):
                out.append(
                    (
                        f"{c}: weight towards {edge.parent} must be >= 0",
                        f"{c}: trọng số với {edge.parent} phải >= 0",
                    )
                )
        if not node.is_indicator and not self._has_children(c):
            out.append((f"{c}: aggregate without children", f"{c}: chỉ số tổng hợp không có thành phần"))
        if self.model == POINTS and node.is_indicator:
            if node.rule is None:
                out.append((f"{c}: missing scoring rule", f"{c}: thiếu quy tắc chấm điểm"))
            else:
                out += node.rule.faults(c)
                if node.rule.type == "ratio" and isinstance(node.rule.denominator, str):
                    out += self._unknown_variable(c, node.rule.denominator)
        if node.denominator is not None:
            out += self._unknown_variable(c, node.denominator)
        return out

    def _has_children(self, code: str) -> bool:
        return code in self._parents_used

    @cached_property
    def _parents_used(self) -> frozenset[str]:
        return frozenset(e.parent for n in self.nodes for e in n.parents)

    def _unknown_variable(self, code: str, name: str) -> list[tuple[str, str]]:
        if name in {d.code for d in self.denominators} | {n.code for n in self.nodes if n.is_indicator}:
            return []
        return [(f"{code}: unknown denominator {name}", f"{code}: mẫu số không tồn tại {name}")]

    def _level_and_total_faults(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        levels = self.levels
        for node in self.nodes:
            for edge in node.parents:
                if levels[edge.parent] <= levels[node.code]:
                    out.append(
                        (
                            f"{node.code}: level {levels[node.code]} is not below its parent {edge.parent}",
                            f"{node.code}: cấp {levels[node.code]} không thấp hơn nút cha {edge.parent}",
                        )
                    )
        if self.model == POINTS:
            nominal = self.nominal_max_points
            for node in self.nodes:
                if node.max_points is not None and not np.isclose(node.max_points, nominal[node.code], atol=1e-9):
                    out.append(
                        (
                            f"{node.code}: declared maximum {node.max_points:g} but children sum to "
                            f"{nominal[node.code]:g}",
                            f"{node.code}: điểm tối đa khai báo {node.max_points:g} nhưng tổng thành phần là "
                            f"{nominal[node.code]:g}",
                        )
                    )
        return out

    def check(self) -> Framework:
        faults = self.faults()
        if faults:
            raise FrameworkError(faults, file=self.source_file)
        return self

    # -- structure --------------------------------------------------------------------------
    @cached_property
    def content_sha256(self) -> str:
        """Hash of the framework's content, computed once: a framework is immutable, and serialising
        it is the largest fixed cost of a `compute()` call."""
        import hashlib
        import json

        from .io import framework_to_dict

        text = json.dumps(framework_to_dict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    @cached_property
    def by_code(self) -> dict[str, Node]:
        return {n.code: n for n in self.nodes}

    @cached_property
    def children(self) -> dict[str, list[tuple[str, float]]]:
        """Aggregate code -> [(child code, edge weight)]; a missing weight counts as 1 (points)."""
        out: dict[str, list[tuple[str, float]]] = {n.code: [] for n in self.nodes}
        for node in self.nodes:
            for e in node.parents:
                if e.parent in out:
                    out[e.parent].append((node.code, 1.0 if e.weight is None else float(e.weight)))
        return out

    @cached_property
    def levels(self) -> dict[str, int]:
        """Declared level where given, else 1 for indicators and 1 + highest child for aggregates."""
        out: dict[str, int] = {}
        for code in self._topological:
            node = self.by_code[code]
            if node.level is not None:
                out[code] = node.level
            elif node.is_indicator:
                out[code] = 1
            else:
                out[code] = 1 + max((out[c] for c, _ in self.children[code]), default=1)
        return out

    @cached_property
    def _topological(self) -> list[str]:
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(code: str) -> None:
            if state.get(code) == 2:
                return
            if state.get(code) == 1:
                self.check()  # a cycle: raise with every fault named
            state[code] = 1
            for child, _ in self.children[code]:
                visit(child)
            state[code] = 2
            order.append(code)

        for node in self.nodes:
            visit(node.code)
        return order

    @cached_property
    def indicators(self) -> list[str]:
        return [n.code for n in self.nodes if n.is_indicator]

    @cached_property
    def aggregates(self) -> list[str]:
        """Aggregates in computation order: by level, then as declared."""
        aggs = [n.code for n in self.nodes if not n.is_indicator]
        return sorted(aggs, key=lambda c: self.levels[c])

    @cached_property
    def codes(self) -> list[str]:
        """Column order of every result table: indicators, then aggregates level by level."""
        return self.indicators + self.aggregates

    @cached_property
    def steps(self) -> list[LevelStep]:
        pos = {c: i for i, c in enumerate(self.codes)}
        out = []
        for level in sorted({self.levels[a] for a in self.aggregates}):
            aggs = [a for a in self.aggregates if self.levels[a] == level]
            edges = [(pos[c], j, w) for j, a in enumerate(aggs) for c, w in self.children[a]]
            children, group, weights = zip(*edges, strict=True)
            out.append(
                LevelStep(
                    level,
                    np.array([pos[a] for a in aggs], dtype=np.intp),
                    np.array(children, dtype=np.intp),
                    np.array(group, dtype=np.intp),
                    np.array(weights, dtype=float),
                )
            )
        return out

    @cached_property
    def nominal_max_points(self) -> dict[str, float]:
        """Maximum points of every node when every indicator applies; bonus and penalty excluded."""
        out: dict[str, float] = {}
        for code in self._topological:
            node = self.by_code[code]
            if node.is_indicator:
                rule = node.rule
                out[code] = rule.max_points if rule is not None and rule.effect == "score" else 0.0
            else:
                out[code] = sum(w * out[c] for c, w in self.children[code])
        return out

    def variables(self) -> Iterable[str]:
        """Data columns a data set may carry for this framework."""
        return [*self.indicators, *(d.code for d in self.denominators), *(g.code for g in self.groups)]


def _cycles(nodes: tuple[Node, ...], by_code: Mapping[str, Node]) -> list[list[str]]:
    """Each cycle once, as a closed path child -> parent -> ... -> child."""
    up = {n.code: [e.parent for e in n.parents if e.parent in by_code] for n in nodes}
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(code: str) -> None:
        state[code] = 1
        stack.append(code)
        for parent in up.get(code, []):
            if state.get(parent) == 1:
                found.append(stack[stack.index(parent) :] + [parent])
            elif parent not in state:
                visit(parent)
        stack.pop()
        state[code] = 2

    for node in nodes:
        if node.code not in state:
            visit(node.code)
    return found
