"""From answers to `dxindex`: one long data frame per campaign, computed by the engine.

Two bases are kept apart: `self` (what units claimed) and `verified` (what reviewers accepted or
adjusted; a not-yet-reviewed answer counts as claimed until the review decides). Their difference
per unit and indicator is the over-claim the review dashboard shows.
"""

import csv
import hashlib
import io
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


def answer_rows(answer: Answer, indicator: Indicator, unit_code: str, basis: str) -> list[tuple[str, str, str, str]]:
    """The long-format rows (unit, indicator, value, state) one answer contributes: its value, and a
    denominator where the rule needs one. Tuples, not dicts: a national campaign makes ~150,000."""
    if basis == VERIFIED and answer.review == Answer.Review.REJECTED:
        return [(unit_code, indicator.code, "", "rejected")]
    if answer.state == Answer.State.NOT_APPLICABLE:
        return [(unit_code, indicator.code, "", "not_applicable")]
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
            rows.append((unit_code, rule["denominator"], repr(float(denominator)), ""))
    else:
        raw = value
    if raw is None or raw == "":
        return rows
    rows.append((unit_code, indicator.code, raw if isinstance(raw, str) else repr(float(raw)), ""))
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
    records: list[tuple[str, str, str, str, str]] = []
    answers_of, indicators = _answers(submissions)
    for submission in submissions:
        code, kind = submission.unit.code, str(submission.unit.kind)
        seen_denominators: set[str] = set()
        first_row = len(records)
        for answer in answers_of[submission.pk]:
            indicator = indicators[answer.indicator_id]
            for row in answer_rows(answer, indicator, code, basis):
                # one denominator variable per unit, even if two indicators share it
                if row[1] != indicator.code:
                    if row[1] in seen_denominators:
                        continue
                    seen_denominators.add(row[1])
                records.append((*row, kind))
        if len(records) == first_row:  # (not a scan of every row so far: quadratic at national scale)
            # a unit with no answer at all still takes part: everything not submitted
            first = submission.campaign.framework.engine().indicators[0]
            records.append((code, first, "", "", kind))
    columns = ["unit", "indicator", "value", "state", "kind"]
    frame = pd.DataFrame(records, columns=columns, dtype=str)
    # the digest of the frame as CSV, written by the csv module (what DataFrame.to_csv writes, ~4× faster)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(records)
    digest = hashlib.sha256(text.getvalue().encode("utf-8")).hexdigest()
    return _data_from_long(frame, f"campaign-{basis}", digest)


def compute(submissions: list[Submission], framework, basis: str) -> dxindex.Result:
    return dxindex.compute(framework.engine(), dataset(submissions, basis))


def points_by_indicator(submission: Submission, basis: str = SELF) -> dict[str, float | None]:
    """Points the unit would get per node now (for the form's live preview)."""
    submission = with_answers(Submission.objects.filter(pk=submission.pk)).get()
    result = compute([submission], submission.campaign.framework, basis)
    row = result.points.loc[submission.unit.code]
    return {code: (None if pd.isna(v) else float(v)) for code, v in row.items()}
