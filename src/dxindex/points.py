"""Points model: how Vietnamese DTI frameworks score (điểm), with missing kept apart from zero.

Each indicator's rule turns its value into a score s in [0, 1] and points = s x maximum. A
not-submitted or rejected indicator earns 0 points but keeps its maximum (the unit loses them); a
not-applicable one leaves the maximum, so the parent's maximum is rescaled without it. Aggregate
points are the weighted sum of their children's points, capped to [0, maximum], and an aggregate's
value is points / maximum. For every node the result also says how many maximum points rest on
each state, so a reader can tell "scored 0" from "sent nothing".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import NOT_APPLICABLE, NOT_SUBMITTED, REJECTED, STATES, SUBMITTED, Dataset
from .errors import InputError
from .framework import Framework, Node, Rule

YES = frozenset({"yes", "true", "có", "đạt", "x"})
NO = frozenset({"no", "false", "không", "không đạt"})


@dataclass
class PointsTables:
    """Arrays (units, nodes) in `Framework.codes` order."""

    values: np.ndarray
    points: np.ndarray
    max_points: np.ndarray
    by_state: dict[str, np.ndarray]  # state -> maximum points resting on that state
    states: np.ndarray  # (units, indicators) state name of every indicator cell


def score_points(framework: Framework, data: Dataset, positions: np.ndarray) -> PointsTables:
    """Score the rows `positions` of `data` with the points framework."""
    codes = framework.codes
    n, k = positions.size, len(codes)
    values = np.full((n, k), np.nan)
    points = np.zeros((n, k))
    max_points = np.zeros((n, k))
    by_state = {s: np.zeros((n, k)) for s in STATES}
    states = np.empty((n, len(framework.indicators)), dtype=object)
    kinds = data.units["kind"].to_numpy()[positions]
    for j, code in enumerate(framework.indicators):
        node = framework.by_code[code]
        rule = node.rule
        assert rule is not None  # a checked points framework has a rule on every indicator
        score, state = _indicator(node, rule, data, positions, kinds)
        counted = rule.max_points if rule.effect == "score" else 0.0
        sign = -1.0 if rule.effect == "penalty" else 1.0
        earned = state == SUBMITTED
        values[:, j] = np.where(earned, score, np.nan)
        points[:, j] = np.where(earned, sign * score * rule.max_points, np.where(state == NOT_APPLICABLE, np.nan, 0.0))
        max_points[:, j] = np.where(state == NOT_APPLICABLE, 0.0, counted)
        for s in STATES:
            by_state[s][:, j] = np.where(state == s, counted, 0.0)
        states[:, j] = state
    summed = np.nan_to_num(points)
    for step in framework.steps:
        w = step.matrix(k)
        cap = max_points @ w
        max_points[:, step.aggregates] = cap
        summed[:, step.aggregates] = np.clip(summed @ w, 0.0, cap)
        for s in STATES:
            by_state[s][:, step.aggregates] = by_state[s] @ w
    aggs = np.array([codes.index(a) for a in framework.aggregates], dtype=np.intp)
    if aggs.size:
        cap = max_points[:, aggs]
        with np.errstate(invalid="ignore", divide="ignore"):
            values[:, aggs] = np.where(cap > 0, summed[:, aggs] / cap, np.nan)
        points[:, aggs] = np.where(cap > 0, summed[:, aggs], np.nan)
    return PointsTables(values, points, max_points, by_state, states)


def _indicator(
    node: Node, rule: Rule, data: Dataset, positions: np.ndarray, kinds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Score in [0, 1] (NaN where not scored) and state of one indicator for every unit."""
    n = positions.size
    present = node.code in data.values.columns
    raw = data.values[node.code].to_numpy()[positions] if present else np.full(n, np.nan)
    text = _cells(data.text, node.code, positions)
    explicit = _cells(data.states, node.code, positions)
    if rule.type == "categorical":
        score = _categorical(node, rule, raw, text, data, positions)
    elif rule.type == "binary":
        score = _binary(node, raw, text, data, positions)
    else:
        _reject_text(node, text, data, positions)
        score = _numeric(rule, node.direction, raw, data, positions)
    state = np.where(np.isnan(score), NOT_SUBMITTED, SUBMITTED).astype(object)
    if rule.type == "ratio":
        state[_denominator(rule, data, positions) == 0] = NOT_APPLICABLE
    for i, s in explicit.items():
        state[i] = s if not (s == SUBMITTED and np.isnan(score[i])) else NOT_SUBMITTED
    if node.applies_to:
        state[~np.isin(kinds, node.applies_to) & (kinds != "")] = NOT_APPLICABLE
    return score, state


def _cells(table: dict[tuple[int, str], str], code: str, positions: np.ndarray) -> dict[int, str]:
    where = {p: i for i, p in enumerate(positions.tolist())}
    return {where[p]: v for (p, c), v in table.items() if c == code and p in where}


def _where_error(data: Dataset, position: int, code: str, en: str, vi: str) -> InputError:
    row, column = data.where(position, code)
    return InputError(en, vi, file=data.source, row=row, column=column)


def _reject_text(node: Node, text: dict[int, str], data: Dataset, positions: np.ndarray) -> None:
    for i, raw in text.items():
        raise _where_error(
            data,
            int(positions[i]),
            node.code,
            f"{node.code}: {raw!r} is not a number",
            f"{node.code}: {raw!r} không phải là số",
        )


def _denominator(rule: Rule, data: Dataset, positions: np.ndarray) -> np.ndarray:
    if isinstance(rule.denominator, str):
        if rule.denominator not in data.values.columns:
            return np.full(positions.size, np.nan)
        return data.values[rule.denominator].to_numpy()[positions]
    return np.full(positions.size, float(rule.denominator))


def _numeric(rule: Rule, direction: int, v: np.ndarray, data: Dataset, positions: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        if rule.type == "fraction":
            return np.clip(v, 0.0, 1.0)
        if rule.type == "ratio":
            den = _denominator(rule, data, positions)
            return np.clip(np.where(den > 0, v / den, np.nan), 0.0, 1.0)
        if rule.type == "goalposts":
            assert rule.low is not None and rule.high is not None
            return np.clip((v - rule.low) / (rule.high - rule.low), 0.0, 1.0)
        if rule.type == "step":
            awarded = np.zeros(v.shape)
            for threshold, pts in rule.steps:
                # direction -1: lower is better (e.g. days late), so a step is reached at or below it
                reached = v >= threshold if direction == 1 else v <= threshold
                awarded = np.where(reached, np.maximum(awarded, pts), awarded)
            score = awarded / rule.max_points if rule.max_points > 0 else awarded * 0.0
            return np.where(np.isnan(v), np.nan, score)
    raise ValueError(f"unknown rule type {rule.type!r}")


def _categorical(
    node: Node, rule: Rule, raw: np.ndarray, text: dict[int, str], data: Dataset, positions: np.ndarray
) -> np.ndarray:
    choices = {k.strip().lower(): p for k, p in rule.choices}
    score = np.full(raw.shape, np.nan)
    labels = {i: f"{x:g}" for i, x in enumerate(raw) if not np.isnan(x)} | text
    for i, label in labels.items():
        pts = choices.get(label.strip().lower())
        if pts is None:
            known = ", ".join(k for k, _ in rule.choices)
            raise _where_error(
                data,
                int(positions[i]),
                node.code,
                f"{node.code}: {label!r} is not one of the choices ({known})",
                f"{node.code}: {label!r} không thuộc các phương án ({known})",
            )
        score[i] = pts / rule.max_points if rule.max_points > 0 else 0.0
    return score


def _binary(node: Node, raw: np.ndarray, text: dict[int, str], data: Dataset, positions: np.ndarray) -> np.ndarray:
    score = np.where(np.isnan(raw), np.nan, (raw != 0).astype(float))
    for i, label in text.items():
        word = label.strip().lower()
        if word not in YES | NO:
            raise _where_error(
                data,
                int(positions[i]),
                node.code,
                f"{node.code}: {label!r} is not yes/no",
                f"{node.code}: {label!r} không phải có/không",
            )
        score[i] = 1.0 if word in YES else 0.0
    return score


__all__ = ["NOT_APPLICABLE", "NOT_SUBMITTED", "REJECTED", "SUBMITTED", "PointsTables", "score_points"]
