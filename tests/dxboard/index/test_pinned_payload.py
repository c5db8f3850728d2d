"""The stored result of a small campaign, pinned: a faster recomputation must store exactly the same thing.

The campaign touches every path from answers to the engine: each rule type, a denominator shared by two
ratios, a numeric denominator, bonus and penalty, an indicator that applies to another kind of unit,
not-applicable answers, accepted / adjusted / rejected / pending reviews, a unit with no answer at all and
tied units. Its inputs digest and its whole payload (read back from the database, both bases) are compared
with what the code stored before the recomputation was made faster (`pinned_payload.json`).

Regenerate the pinned file only for a deliberate change of method, never to make a speed-up pass:
`DXBOARD_PIN_PAYLOAD=write pytest tests/dxboard/index/test_pinned_payload.py`.
"""

import datetime
import json
import os
from pathlib import Path

import pytest

from dxboard.index import actions, results, scoring
from dxboard.index.frameworks import import_framework
from dxboard.index.models import Answer, ResultSnapshot, Submission
from dxboard.units.models import Unit, UnitKind

PINNED = Path(__file__).with_name("pinned_payload.json")

FRAMEWORK = """
code: test-pinned
name: {vi: Bộ chỉ số ghim kết quả, en: Pinned result framework}
model: points
denominators: [{code: DAN_SO, name: {vi: Dân số, en: Population}}]
nodes:
  - {code: A1, name: {vi: Có kế hoạch, en: Plan}, parents: {A: 1}, rule: {type: binary, max: 10}}
  - {code: A2, name: {vi: Tỷ lệ trực tuyến, en: Online share}, parents: {A: 1}, rule: {type: fraction, max: 20}}
  - {code: A3, name: {vi: Tài khoản trên dân số, en: Accounts per person}, parents: {A: 1},
     rule: {type: ratio, max: 15, denominator: DAN_SO}}
  - {code: A4, name: {vi: Chữ ký số trên dân số, en: Signatures per person}, parents: {A: 1},
     rule: {type: ratio, max: 5, denominator: DAN_SO}}
  - {code: A5, name: {vi: Riêng cơ quan, en: Agencies only}, parents: {A: 1}, applies_to: [agency],
     rule: {type: binary, max: 5}}
  - {code: B1, name: {vi: Người đứng đầu, en: Head}, parents: {B: 1},
     rule: {type: categorical, max: 10, choices: {chu_tich: 10, pho_chu_tich: 5, khac: 0}}}
  - {code: B2, name: {vi: Số tin bài, en: Posts}, parents: {B: 1},
     rule: {type: step, max: 10, steps: [[1, 4], [5, 10]]}}
  - {code: B3, name: {vi: Hài lòng, en: Satisfaction}, parents: {B: 1},
     rule: {type: goalposts, max: 10, low: 1, high: 5}}
  - {code: B4, name: {vi: Phản ánh trên nghìn, en: Reports per thousand}, parents: {B: 1},
     rule: {type: ratio, max: 10, denominator: 50}}
  - {code: C1, name: {vi: Sáng kiến, en: Initiative}, parents: {B: 1}, rule: {type: binary, max: 5, effect: bonus}}
  - {code: C2, name: {vi: Sự cố, en: Incident}, parents: {B: 1}, rule: {type: binary, max: 5, effect: penalty}}
  - {code: A, type: aggregate, name: {vi: Chính quyền số, en: Digital government}, parents: {T: 1}}
  - {code: B, type: aggregate, name: {vi: Nhận thức số, en: Awareness}, parents: {T: 1}}
  - {code: T, type: aggregate, name: {vi: Tổng, en: Total}}
"""

CHOICES = ["chu_tich", "pho_chu_tich", "khac"]


def _inputs(code: str, i: int) -> dict:
    """Deterministic inputs of unit number i (no random generator: the pinned file must not move)."""
    k = i % 7  # units 0 and 7 answer the same: a tie
    return {
        "A1": {"value": float(k % 2)},
        "A2": {"numerator": float(3 * k + 1), "denominator": 25.0},
        "A3": {"numerator": float(40 * k + 7), "denominator": 400.0 + 10 * k},
        "A4": {"numerator": float(11 * k), "denominator": 400.0 + 10 * k},
        "A5": {"value": 1.0},
        "B1": {"choice": CHOICES[k % 3]},
        "B2": {"value": float(k)},
        "B3": {"value": 1 + 0.6 * k},
        "B4": {"numerator": 7.5 * k},
        "C1": {"value": float(k % 3 == 0)},
        "C2": {"value": float(k % 4 == 1)},
    }[code]


def _campaign():
    province = Unit.objects.create(code="PZ", name="Tỉnh ghim", kind=UnitKind.PROVINCE)
    units = [Unit.objects.create(code=f"Z{i:02d}", name=f"Xã ghim {i}", kind=UnitKind.COMMUNE, parent=province)
             for i in range(12)]
    units.append(Unit.objects.create(code="ZAG", name="Cơ quan ghim", kind=UnitKind.AGENCY, parent=province))
    framework, _ = import_framework(FRAMEWORK.encode(), "pinned.yaml", acting_user=None, year=2025)
    campaign = actions.create_campaign(acting_user=None, framework=framework, name="Ghim 2025", period="2025",
                                       unit_kind="commune", opens=datetime.date(2025, 11, 1),
                                       closes=datetime.date(2026, 1, 15), units=units)
    actions.open_campaign(acting_user=None, campaign=campaign)
    answers = Answer.objects.filter(submission__campaign=campaign).select_related("indicator", "submission__unit")
    for a in answers:
        code, unit = a.indicator.code, a.submission.unit.code
        i = 13 if unit == "ZAG" else int(unit[1:])
        if unit == "Z11":
            continue  # answered nothing at all
        fields = _inputs(code, i)
        if unit == "Z10" and code in ("A2", "B2"):
            fields = {}  # left blank: not submitted
        for name, value in fields.items():
            setattr(a, name, value)
        if unit == "Z09" and code in ("A3", "B1"):
            a.state, a.na_reason = Answer.State.NOT_APPLICABLE, "Không có"
        # the review: rejected, adjusted (another value), accepted, or not yet reviewed
        if (i + ord(code[0]) + int(code[1])) % 6 == 0:
            a.review = Answer.Review.REJECTED
        elif i % 4 == 1 and code in ("A1", "A2", "A3", "B1", "B3"):
            a.review = Answer.Review.ADJUSTED
            verified = _inputs(code, i + 3)
            a.verified_value, a.verified_choice = verified.get("value"), verified.get("choice", "")
            a.verified_numerator, a.verified_denominator = verified.get("numerator"), verified.get("denominator")
        elif i % 3 != 2:
            a.review = Answer.Review.ACCEPTED
        a.save()
    # every unit has sent its form (the review above happened): all are ranked, none is listed apart
    Submission.objects.filter(campaign=campaign).update(status=Submission.Status.SUBMITTED)
    return campaign


def _stored(campaign, basis: str) -> dict:
    snapshot, created = results.build_snapshot(campaign, basis, None)
    assert created
    snapshot = ResultSnapshot.objects.get(pk=snapshot.pk)  # as read back from the database
    return {"inputs_sha256": snapshot.inputs_sha256, "method": snapshot.method, "seed": snapshot.seed,
            "payload": snapshot.payload}


@pytest.mark.django_db
def test_the_stored_results_of_a_small_campaign_are_unchanged():
    campaign = _campaign()
    stored = {basis: _stored(campaign, basis) for basis in (scoring.SELF, scoring.VERIFIED)}
    # what the pinned file holds passes through JSON as the database does: compare like with like
    stored = json.loads(json.dumps(stored, ensure_ascii=False))
    if os.environ.get("DXBOARD_PIN_PAYLOAD") == "write":
        PINNED.write_text(json.dumps(stored, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    for basis in (scoring.SELF, scoring.VERIFIED):
        assert stored[basis]["inputs_sha256"] == pinned[basis]["inputs_sha256"], basis
        assert stored[basis]["method"] == pinned[basis]["method"], basis
        assert stored[basis]["seed"] == pinned[basis]["seed"], basis
        units, expected = stored[basis]["payload"]["units"], pinned[basis]["payload"]["units"]
        assert sorted(units) == sorted(expected), basis
        for code in expected:  # unit by unit, so that a failure names the unit
            assert units[code] == expected[code], (basis, code)
        assert stored[basis]["payload"] == pinned[basis]["payload"], basis
    # the file exercises what it says it does
    units = pinned[scoring.VERIFIED]["payload"]["units"]
    assert units["Z00"]["points"] == units["Z07"]["points"]
    assert units["Z00"]["ranks"]["T"] == units["Z07"]["ranks"]["T"]
    assert units["Z11"]["missing"]["not_submitted"] > 0
    assert units["ZAG"]["max"]["A"] > units["Z00"]["max"]["A"]
    assert stored[scoring.SELF]["inputs_sha256"] != stored[scoring.VERIFIED]["inputs_sha256"]


def _reference_intervals(points, maxima, parts, seed=results.SEED, draws=results.RANK_DRAWS,
                         noise=results.WEIGHT_NOISE):
    """The rank intervals as first written: np.median and np.percentile over each unit's draws."""
    import numpy as np

    from dxindex import stats

    p = np.nan_to_num(points[parts].to_numpy(dtype=float))
    m = np.nan_to_num(maxima[parts].to_numpy(dtype=float))
    w = np.random.default_rng(seed).uniform(1 - noise, 1 + noise, size=(draws, len(parts)))
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = (w @ p.T) / (w @ m.T)
        nominal = p.sum(axis=1) / m.sum(axis=1)
    ranks = stats.rank_desc(np.nan_to_num(scores, nan=-1.0).T)
    nominal_rank = stats.rank_desc(np.nan_to_num(nominal, nan=-1.0))
    medians = [float(np.median(r)) for r in ranks]
    q05 = [int(np.percentile(r, 5, method="lower")) for r in ranks]
    q95 = [int(np.percentile(r, 95, method="higher")) for r in ranks]
    return {str(u): {"nominal": int(nominal_rank[i]), "median": medians[i], "q05": q05[i], "q95": q95[i]}
            for i, u in enumerate(points.index)}


@pytest.mark.parametrize("draws", [1000, 999, 20, 1])
def test_rank_intervals_are_the_medians_and_percentiles_over_the_draws(draws):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    codes = [f"U{i:03d}" for i in range(300)]
    # steps of 5 points: many ties, in the nominal ranking and in the draws
    points = pd.DataFrame(rng.integers(0, 20, size=(300, 3)) * 5.0, index=codes, columns=["A", "B", "C"])
    points.iloc[3] = np.nan  # a unit without points
    maxima = pd.DataFrame(100.0, index=codes, columns=["A", "B", "C"])
    got = results.rank_intervals(points, maxima, ["A", "B", "C"], draws=draws)
    assert got == _reference_intervals(points, maxima, ["A", "B", "C"], draws=draws)
    assert any(v["q05"] < v["q95"] for v in got.values()) or draws == 1
    # what build_snapshot runs: half of the draws ranked in a second thread
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        inputs = results._interval_inputs(points, maxima, ["A", "B", "C"])
        figures = pool.submit(results._interval_figures, *inputs, draws=draws, pool=pool).result()
    assert results._interval_rows(points.index, figures) == got


def test_rounding_a_table_is_rounding_each_value():
    import math

    import numpy as np

    values = [0.1234565, 2 / 3, -0.0, 0.0, math.nan, math.inf, -math.inf, 1e-7, -1e-7, 12.5, 2 / 3, 1e300, 0.1234565]
    matrix = np.array(values + [1.0, 5e-324], dtype=float).reshape(3, 5)
    got = results._rounded(matrix)
    expected = [results._plain(row) for row in matrix.tolist()]
    assert json.dumps(got) == json.dumps(expected)  # -0.0 stays -0.0, NaN is None
    assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected]
    assert results._rounded(np.empty((0, 4))) == []


@pytest.mark.parametrize("rows", [
    [],
    [("X1", "A1", "1.0", "", "commune"), ("X1", "A2", "", "rejected", "commune")],
    [("X1", "B1", "khá, tốt", "", "commune")],  # a comma: quoted
    [("X1", "B1", 'nói "có"', "", "commune")],  # a quote: quoted and doubled
    [("X1", "B1", "hai\ndòng", "", "commune"), ("X1", "B2", "cr\r", "", "commune")],
    [("X1", "B1", " có ", "", "commune"), ("", "", "", "", "")],
])
def test_the_inputs_digest_is_the_csv_modules(rows):
    import csv
    import hashlib
    import io

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(scoring.COLUMNS)
    writer.writerows(rows)
    assert scoring.digest(rows) == hashlib.sha256(text.getvalue().encode("utf-8")).hexdigest()
