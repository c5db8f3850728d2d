"""From answers to `dxindex`: one long data frame per campaign, computed by the engine.

Two bases are kept apart: `self` (what units claimed) and `verified` (what reviewers accepted or
adjusted; a not-yet-reviewed answer counts as claimed until the review decides). Their difference
per unit and indicator is the over-claim the review dashboard shows.
"""

import hashlib
from collections import namedtuple

import pandas as pd

import dxindex
from dxindex.io import _data_from_long

from .models import Answer, Indicator, Submission

SELF = "self"
VERIFIED = "verified"


def _inputs(answer: Answer, basis: str) -> tuple[float | None, float | None, float | None, str]:
    use_verified = basis == VERIFIED and answer.review == Answer.Review.ADJUSTED
    if use_verified:
        return answer.verified_value, answer.verified_numerator, answer.verified_denominator, answer.verified_choice
    return answer.value, answer.numerator, answer.denominator, answer.choice


def answer_rows(answer: Answer, indicator: Indicator, unit_code: str, basis: str) -> list[dict]:
    """The long-format rows one answer contributes (its value, and a denominator where the rule needs one)."""
    base = {"unit": unit_code, "indicator": indicator.code, "state": ""}
    if basis == VERIFIED and answer.review == Answer.Review.REJECTED:
        return [base | {"value": "", "state": "rejected"}]
    if answer.state == Answer.State.NOT_APPLICABLE:
        return [base | {"value": "", "state": "not_applicable"}]
    value, numerator, denominator, choice = _inputs(answer, basis)
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
            rows.append({"unit": unit_code, "indicator": rule["denominator"], "value": repr(float(denominator)),
                         "state": ""})
    else:
        raw = value
    if raw is None or raw == "":
        return rows
    rows.append(base | {"value": raw if isinstance(raw, str) else repr(float(raw))})
    return rows


def with_answers(submissions):
    """Submissions with what `dataset()` reads besides the answers (which it reads itself)."""
    return submissions.select_related("unit", "campaign__framework")


# What scoring reads of an answer, as plain tuples: a national campaign has ~150,000 answers, and making
# them model instances (each with its indicator joined) took most of a recomputation.
_INPUT_FIELDS = ("submission_id", "indicator_id", "state", "review", "value", "numerator", "denominator", "choice",
                 "verified_value", "verified_numerator", "verified_denominator", "verified_choice")
AnswerInputs = namedtuple("AnswerInputs", _INPUT_FIELDS)


def _answers(submissions: list[Submission]) -> tuple[dict[int, list[AnswerInputs]], dict[int, Indicator]]:
    """Each submission's answers (in the model's order) and their indicators, in two queries."""
    by_submission: dict[int, list[AnswerInputs]] = {s.pk: [] for s in submissions}
    rows = Answer.objects.filter(submission_id__in=list(by_submission)).values_list(*_INPUT_FIELDS)
    for row in rows:
        by_submission[row[0]].append(AnswerInputs(*row))
    ids = {a.indicator_id for answers in by_submission.values() for a in answers}
    return by_submission, Indicator.objects.in_bulk(ids)


def dataset(submissions: list[Submission], basis: str) -> dxindex.Dataset:
    """The engine's data set for these submissions (their answers read here, as they are stored)."""
    records: list[dict] = []
    kinds: dict[str, str] = {}
    answers_of, indicators = _answers(submissions)
    for submission in submissions:
        code = submission.unit.code
        kinds[code] = submission.unit.kind
        seen_denominators: set[str] = set()
        first_row = len(records)
        for answer in answers_of[submission.pk]:
            indicator = indicators[answer.indicator_id]
            for row in answer_rows(answer, indicator, code, basis):
                # one denominator variable per unit, even if two indicators share it
                if row["indicator"] != indicator.code:
                    if row["indicator"] in seen_denominators:
                        continue
                    seen_denominators.add(row["indicator"])
                records.append(row)
        if len(records) == first_row:  # (not a scan of every row so far: quadratic at national scale)
            # a unit with no answer at all still takes part: everything not submitted
            first = submission.campaign.framework.engine().indicators[0]
            records.append({"unit": code, "indicator": first, "value": "", "state": ""})
    frame = pd.DataFrame(records, columns=["unit", "indicator", "value", "state"]).fillna("")
    frame["kind"] = frame["unit"].map(kinds)
    frame = frame.astype(str)
    digest = hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
    return _data_from_long(frame, f"campaign-{basis}", digest)


def compute(submissions: list[Submission], framework, basis: str) -> dxindex.Result:
    return dxindex.compute(framework.engine(), dataset(submissions, basis))


def points_by_indicator(submission: Submission, basis: str = SELF) -> dict[str, float | None]:
    """Points the unit would get per node now (for the form's live preview)."""
    submission = with_answers(Submission.objects.filter(pk=submission.pk)).get()
    result = compute([submission], submission.campaign.framework, basis)
    row = result.points.loc[submission.unit.code]
    return {code: (None if pd.isna(v) else float(v)) for code, v in row.items()}
