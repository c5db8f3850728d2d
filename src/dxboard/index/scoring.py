"""From answers to `dxindex`: one long data frame per campaign, computed by the engine.

Two bases are kept apart: `self` (what units claimed) and `verified` (what reviewers accepted or
adjusted; a not-yet-reviewed answer counts as claimed until the review decides). Their difference
per unit and indicator is the over-claim the review dashboard shows.
"""

import csv
import hashlib
import io

import pandas as pd
from django.db import connection
from django.db.models import Case, F, Q, When

import dxindex
from dxindex.io import data_from_records

from .models import Answer, Indicator, Submission

SELF = "self"
VERIFIED = "verified"


def with_answers(submissions):
    """Submissions with what `dataset()` reads besides the answers (which it reads itself)."""
    return submissions.select_related("unit", "campaign__framework")


# What scoring reads of an answer, as plain tuples: a national campaign has ~150,000 answers, and making
# them model instances (each with its indicator joined) took most of a recomputation.
_INPUT_FIELDS = ("submission_id", "indicator_id", "state", "review", "value", "numerator", "denominator", "choice")
_INPUTS = ("value", "numerator", "denominator", "choice")
COLUMNS = ["unit", "indicator", "value", "state", "kind"]


def _answers(submission_ids: list[int], campaign_ids: set[int], basis: str) -> dict[int, list[tuple]]:
    """Each submission's answers as `_INPUT_FIELDS` tuples, in the model's order within a submission
    (by the indicator's position), in one query. On the verified basis the inputs are the verified ones
    where the review adjusted them (what `_inputs` picks), chosen by the database: four columns fewer
    to send and convert for 150,000 answers. Many submissions are read by their campaign, not by a
    list of 3,000 ids: that list was quoted into the SQL text, and parsed, on every national run."""
    by_submission: dict[int, list[tuple]] = {pk: [] for pk in submission_ids}
    if not submission_ids:
        return by_submission
    if len(submission_ids) <= 200:
        rows = Answer.objects.filter(submission_id__in=submission_ids)
    else:
        rows = Answer.objects.filter(submission__campaign_id__in=campaign_ids)
    # Unordered: sorting 150,000 rows joined to their indicators took PostgreSQL ~0.35 s (and a sort on
    # disk); each submission's few dozen answers are put in the indicators' order here instead.
    fields = _INPUT_FIELDS
    if basis == VERIFIED:
        adjusted = Q(review=Answer.Review.ADJUSTED)
        rows = rows.annotate(**{f"basis_{name}": Case(When(adjusted, then=F(f"verified_{name}")), default=F(name))
                                for name in _INPUTS})
        fields = (*_INPUT_FIELDS[:4], *(f"basis_{name}" for name in _INPUTS))
    sql, params = rows.order_by().values_list(*fields).query.sql_with_params()
    # One fetchall: the queryset's iteration fetches 100 rows a call (1,400 calls nationally). The
    # fields are floats and text, which no backend converts, so the tuples are what values_list gives.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    for row in fetched:
        answers = by_submission.get(row[0])
        if answers is not None:
            answers.append(row)
    ids = {row[1] for row in fetched}
    position = dict(Indicator.objects.filter(pk__in=ids).values_list("pk", "position"))
    key = position.__getitem__
    for answers in by_submission.values():
        answers.sort(key=lambda row: key(row[1]))
    return by_submission


def _indicator_rules(indicator_ids) -> dict[int, tuple[str, str | None, str | None]]:
    """(code, rule type, denominator code of a ratio) of each indicator."""
    out = {}
    for pk, code, rule in Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "code", "rule"):
        rule = rule or {}
        kind = rule.get("type")
        denominator = rule.get("denominator")
        out[pk] = (code, kind, denominator if kind == "ratio" and isinstance(denominator, str) else None)
    return out


def records(units: list[tuple[int, str, str]], campaign_ids: set[int], basis: str,
            first_indicator) -> list[tuple[str, str, str, str, str]]:
    """The long-format rows (unit, indicator, value, state, kind) of these (submission id, unit code,
    unit kind) of these campaigns, in one loop over plain tuples (a national campaign makes ~150,000).

    Per answer: on the verified basis a rejected answer is the state `rejected`; a not-applicable answer
    is the state `not_applicable`; otherwise its value (the choice of a categorical rule, numerator /
    denominator of a fraction, the numerator — or value — of a ratio, plus the ratio's denominator as
    its own variable once per unit, else the value) as repr(float), nothing when there is none.
    `first_indicator()` names the indicator a unit with no answer at all is listed under."""
    answers_of = _answers([pk for pk, _code, _kind in units], campaign_ids, basis)
    indicators = _indicator_rules({a[1] for answers in answers_of.values() for a in answers})
    verified = basis == VERIFIED
    rejected, not_applicable = Answer.Review.REJECTED, Answer.State.NOT_APPLICABLE
    out: list[tuple[str, str, str, str, str]] = []
    append = out.append
    for pk, code, kind in units:
        seen_denominators: set[str] = set()
        first_row = len(out)
        for _s, indicator_id, state, review, value, numerator, denominator, choice in answers_of[pk]:
            indicator, rule_type, denominator_code = indicators[indicator_id]
            if verified and review == rejected:
                append((code, indicator, "", "rejected", kind))
                continue
            if state == not_applicable:
                append((code, indicator, "", "not_applicable", kind))
                continue
            if rule_type == "categorical":
                raw = choice
            elif rule_type == "fraction" and numerator is not None and denominator:
                raw = numerator / denominator
            elif rule_type == "ratio":
                raw = numerator if numerator is not None else value
                # one denominator variable per unit, even if two indicators share it
                if denominator_code is not None and denominator is not None:
                    if denominator_code == indicator:
                        append((code, denominator_code, repr(float(denominator)), "", kind))
                    elif denominator_code not in seen_denominators:
                        seen_denominators.add(denominator_code)
                        append((code, denominator_code, repr(float(denominator)), "", kind))
            else:
                raw = value
            if raw is None or raw == "":
                continue
            # (repr of a float as it is: float() of one is the same float)
            append((code, indicator, repr(raw) if type(raw) is float else raw if isinstance(raw, str)
                    else repr(float(raw)), "", kind))
        if len(out) == first_row:  # (not a scan of every row so far: quadratic at national scale)
            # a unit with no answer at all still takes part: everything not submitted
            append((code, first_indicator(), "", "", kind))
    return out


def digest(rows: list[tuple[str, ...]]) -> str:
    """sha256 of the rows as CSV with a header (what DataFrame.to_csv wrote; the csv module is ~4× faster).

    When no cell holds a comma, a quote or a line break (the usual case: codes, numbers, states), the
    csv module would quote nothing and the text is the cells joined by commas; that join is ~3× faster
    again. Otherwise the csv module writes it, quoting as it does."""
    header = ",".join(COLUMNS) + "\n"
    body = "\n".join(map(",".join, rows))
    plain = (body.count(",") == (len(COLUMNS) - 1) * len(rows) and body.count("\n") == len(rows) - 1
             and '"' not in body and "\r" not in body and set(map(len, rows)) <= {len(COLUMNS)})
    if plain:
        text = header + body + ("\n" if rows else "")
    else:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        text = out.getvalue()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unit_dataset(units: list[tuple[int, str, str]], campaign_ids: set[int], framework,
                 basis: str) -> dxindex.Dataset:
    """The engine's data set for these (submission id, unit code, unit kind) of these campaigns, in this order."""
    rows = records(units, campaign_ids, basis, lambda: framework.engine().indicators[0])
    return data_from_records(rows, COLUMNS, f"campaign-{basis}", digest(rows))


def dataset(submissions: list[Submission], basis: str) -> dxindex.Dataset:
    """The engine's data set for these submissions (their answers read here, as they are stored).
    (For a whole campaign, build_snapshot calls unit_dataset with plain tuples instead.)"""
    if not submissions:
        return unit_dataset([], set(), None, basis)
    return unit_dataset([(s.pk, s.unit.code, str(s.unit.kind)) for s in submissions],
                        {s.campaign_id for s in submissions}, submissions[0].campaign.framework, basis)


def compute(submissions: list[Submission], framework, basis: str) -> dxindex.Result:
    return dxindex.compute(framework.engine(), dataset(submissions, basis))


def points_by_indicator(submission: Submission, basis: str = SELF) -> dict[str, float | None]:
    """Points the unit would get per node now (for the form's live preview)."""
    submission = with_answers(Submission.objects.filter(pk=submission.pk)).get()
    result = compute([submission], submission.campaign.framework, basis)
    row = result.points.loc[submission.unit.code]
    return {code: (None if pd.isna(v) else float(v)) for code, v in row.items()}
