"""The form's live points preview: one answer's points, computed directly for that indicator.

Every autosave stores the points the saved answer earns (`Answer.self_points`). Running the whole
engine (`scoring.points_by_indicator`: every answer of the unit read, a pandas data set built, every
node scored) for that one number was most of the cost of a save. In the points model an indicator's
points depend only on its own inputs, so they are computed here from the very rows
`scoring.answer_rows` gives the engine, with the engine's rules (`dxindex.points`) written for one
cell. Anything outside the plain cases — a statistical framework, a ratio whose denominator variable
another indicator shares, text where the engine would parse or refuse it — goes to the engine, so the
number is always the engine's: `tests/dxboard/index/test_preview.py` compares both on every
indicator of the shipped frameworks.
"""

import math

from dxindex.data import NA_TOKENS, NOT_APPLICABLE, NOT_SUBMITTED, SUBMITTED, state_token

from . import scoring
from .models import Answer, Submission

NAN = math.nan


class _UseEngine(Exception):
    """A case the direct computation does not cover: ask the engine."""


UNKNOWN = object()  # what `direct_points` answers when only the engine can tell


def direct_points(answer: Answer, submission: Submission, basis: str = scoring.SELF):
    """Points `answer` earns on `basis`, as `scoring.points_by_indicator(submission, basis)` would give
    for its indicator, from `answer`'s own inputs (which need not be stored yet) — or UNKNOWN."""
    engine = submission.campaign.framework.engine()
    if engine.model != "points":
        return UNKNOWN
    try:
        return _points(answer, engine, submission.unit.code, str(submission.unit.kind), basis)
    except _UseEngine:
        return UNKNOWN


def answer_points(answer: Answer, submission: Submission, basis: str = scoring.SELF) -> float | None:
    """The same for a stored answer, asking the engine (which reads the stored answers) when needed."""
    points = direct_points(answer, submission, basis)
    if points is UNKNOWN:
        return scoring.points_by_indicator(submission, basis).get(answer.indicator.code)
    return points


def _number(cell: str) -> float:
    """A value cell as the engine reads it: NaN when missing; the rows we write are `repr(float)`."""
    if cell in NA_TOKENS:
        return NAN
    try:
        return float(cell)
    except ValueError:
        raise _UseEngine from None


def _answer_rows(answer: Answer, indicator, unit_code: str, basis: str) -> list[tuple[str, str, str, str]]:
    """The long-format rows (unit, indicator, value, state) this one answer gives the engine: the same
    rules as `scoring.records` (which reads a whole campaign as tuples); test_preview.py compares the
    preview with the engine fed by `records`, so the two cannot drift apart unnoticed."""
    if basis == scoring.VERIFIED and answer.review == Answer.Review.REJECTED:
        return [(unit_code, indicator.code, "", "rejected")]
    if answer.state == Answer.State.NOT_APPLICABLE:
        return [(unit_code, indicator.code, "", "not_applicable")]
    if basis == scoring.VERIFIED and answer.review == Answer.Review.ADJUSTED:
        value, numerator, denominator, choice = (answer.verified_value, answer.verified_numerator,
                                                 answer.verified_denominator, answer.verified_choice)
    else:
        value, numerator, denominator, choice = answer.value, answer.numerator, answer.denominator, answer.choice
    rule = indicator.rule or {}
    kind = rule.get("type")
    rows = []
    if kind == "categorical":
        raw = choice
    elif kind == "fraction" and numerator is not None and denominator:
        raw = numerator / denominator
    elif kind == "ratio":
        raw = numerator if numerator is not None else value
        if isinstance(rule.get("denominator"), str) and denominator is not None:
            rows.append((unit_code, rule["denominator"], repr(float(denominator)), ""))
    else:
        raw = value
    if raw is None or raw == "":
        return rows
    rows.append((unit_code, indicator.code, raw if isinstance(raw, str) else repr(float(raw)), ""))
    return rows


def _points(answer: Answer, engine, unit_code: str, kind: str, basis: str) -> float | None:
    indicator = answer.indicator
    node = engine.by_code[indicator.code]
    rule = node.rule
    if rule is None:
        raise _UseEngine
    shared_denominator = isinstance(rule.denominator, str)
    if shared_denominator and (rule.denominator in engine.by_code or sum(
            1 for code in engine.indicators
            if (other := engine.by_code[code].rule) is not None and other.denominator == rule.denominator) > 1):
        # the engine takes the unit's first answer carrying that variable: not this answer alone
        raise _UseEngine
    cell, explicit, denominator = "", None, NAN
    for _unit, code, value, state in _answer_rows(answer, indicator, unit_code, basis):
        if code == indicator.code:
            cell = value
            if state:
                explicit = state_token(state)
                if explicit is None:
                    raise _UseEngine  # the engine refuses an unknown state
        else:
            denominator = _number(value)
    if cell not in NA_TOKENS and state_token(cell) is not None:
        raise _UseEngine  # a state written as the value

    if rule.type == "categorical":
        score = _categorical(rule, cell)
    else:
        raw = _number(cell)
        if rule.type == "binary":
            score = NAN if math.isnan(raw) else float(raw != 0)
        else:
            if not isinstance(rule.denominator, str) and rule.denominator is not None:
                denominator = float(rule.denominator)
            score = _numeric(rule, node.direction, raw, denominator)

    state = NOT_SUBMITTED if math.isnan(score) else SUBMITTED
    if rule.type == "ratio" and denominator == 0:
        state = NOT_APPLICABLE
    if explicit is not None:
        state = explicit if not (explicit == SUBMITTED and math.isnan(score)) else NOT_SUBMITTED
    if node.applies_to and kind != "" and kind not in node.applies_to:
        state = NOT_APPLICABLE
    if state == SUBMITTED:
        sign = -1.0 if rule.effect == "penalty" else 1.0
        return sign * score * rule.max_points
    return None if state == NOT_APPLICABLE else 0.0


def _clip01(x: float) -> float:
    # np.clip(x, 0, 1): NaN stays NaN
    return x if math.isnan(x) else min(max(x, 0.0), 1.0)


def _numeric(rule, direction: int, v: float, denominator: float) -> float:
    """`dxindex.points._numeric` for one value."""
    if rule.type == "fraction":
        return _clip01(v)
    if rule.type == "ratio":
        return _clip01(v / denominator) if denominator > 0 else NAN
    if rule.type == "goalposts":
        span = rule.high - rule.low
        if span == 0:
            raise _UseEngine  # numpy's division by zero (inf / NaN), not Python's
        return _clip01((v - rule.low) / span)
    if rule.type == "step":
        if math.isnan(v):
            return NAN
        awarded = 0.0
        for threshold, pts in rule.steps:
            # direction -1: lower is better (e.g. days late), so a step is reached at or below it
            if (v >= threshold) if direction == 1 else (v <= threshold):
                awarded = max(awarded, pts)
        return awarded / rule.max_points if rule.max_points > 0 else awarded * 0.0
    raise _UseEngine


def _categorical(rule, cell: str) -> float:
    """`dxindex.points._categorical` for one cell: a choice the engine would read as a number, or one
    it would refuse, is left to the engine."""
    if cell in NA_TOKENS:
        return NAN
    try:
        float(cell)
    except ValueError:
        pass
    else:
        raise _UseEngine
    choices = {k.strip().lower(): p for k, p in rule.choices}
    pts = choices.get(cell.strip().lower())
    if pts is None:
        raise _UseEngine
    return pts / rule.max_points if rule.max_points > 0 else 0.0
