"""The autosave's direct points preview (index/preview.py) gives the engine's numbers, compared on the
shipped frameworks and on a framework made to reach every rule, effect, direction, missing value and
state; and the one-query progress bars (the page's and the autosave's) count what the answers say."""

import datetime
import random

import pytest

from .conftest import ROOT, fill
from .conftest import answer as answer_of

FRAMEWORKS = sorted((ROOT / "frameworks").glob("*.yaml"))

EDGES = """
code: test-edges
name: {vi: Bộ chỉ số biên, en: Edge cases}
model: points
denominators:
  - {code: DEN_OWN, name: {vi: Mẫu riêng, en: Own denominator}}
  - {code: DEN_SHARED, name: {vi: Mẫu chung, en: Shared denominator}}
nodes:
  - {code: R1, name: {vi: Tỷ lệ hằng, en: Constant ratio}, parents: {A: 1},
     rule: {type: ratio, max: 10, denominator: 50}}
  - {code: R2, name: {vi: Tỷ lệ mẫu riêng, en: Own ratio}, parents: {A: 1},
     rule: {type: ratio, max: 10, denominator: DEN_OWN}}
  - {code: R3, name: {vi: Tỷ lệ chung 1, en: Shared 1}, parents: {A: 1},
     rule: {type: ratio, max: 10, denominator: DEN_SHARED}}
  - {code: R4, name: {vi: Tỷ lệ chung 2, en: Shared 2}, parents: {A: 1},
     rule: {type: ratio, max: 10, denominator: DEN_SHARED}}
  - {code: G1, name: {vi: Ngưỡng, en: Goalposts}, parents: {A: 1},
     rule: {type: goalposts, max: 30, low: 0.8, high: 1.0}}
  - {code: S1, name: {vi: Bậc ngược, en: Steps down}, parents: {A: 1}, direction: -1,
     rule: {type: step, max: 15, steps: [[3, 5], [1, 10], [0, 15]]}}
  - {code: S2, name: {vi: Bậc, en: Steps}, parents: {A: 1}, rule: {type: step, max: 10, steps: [[1, 4], [5, 10]]}}
  - {code: F1, name: {vi: Tỷ lệ, en: Share}, parents: {A: 1}, rule: {type: fraction, max: 20}}
  - {code: B1, name: {vi: Thưởng, en: Bonus}, parents: {A: 1}, rule: {type: binary, max: 5, effect: bonus}}
  - {code: B2, name: {vi: Trừ, en: Penalty}, parents: {A: 1}, rule: {type: binary, max: 5, effect: penalty}}
  - {code: C1, name: {vi: Lựa chọn, en: Choice}, parents: {A: 1},
     rule: {type: categorical, max: 10, choices: {dung_han: 10, tre_han: 4, "1": 2}}}
  - {code: K1, name: {vi: Chỉ cho sở, en: Departments only}, parents: {A: 1}, applies_to: [department],
     rule: {type: binary, max: 5}}
  - {code: A, type: aggregate, name: {vi: Tổng, en: Total}}
"""


def _campaign(framework, units, admin):
    from dxboard.index import actions

    campaign = actions.create_campaign(acting_user=admin, framework=framework, name=f"P {framework.code}",
                                       period="2026", unit_kind="commune", opens=datetime.date(2025, 11, 1),
                                       closes=datetime.date(2026, 12, 15), units=units)
    actions.open_campaign(acting_user=admin, campaign=campaign)
    return campaign


def _scatter(submission, rng: random.Random) -> None:
    """Stored answers of every kind: plausible, blank, out of range, not applicable, reviewed."""
    from dxboard.index.demo import _inputs
    from dxboard.index.models import Answer

    answers = list(submission.answers.select_related("indicator"))
    for answer in answers:
        rule = answer.indicator.rule or {}
        roll = rng.random()
        fields = _inputs(answer.indicator, rng, rng.random()) if roll < 0.6 else {}
        if rule.get("type") == "ratio" and roll < 0.8:
            fields = {"numerator": rng.choice([0.0, 3.0, 40.0, 70.0]), "denominator": rng.choice([0.0, 50.0, None])}
        elif rule.get("type") in ("fraction", "goalposts", "step") and roll < 0.7:
            fields = {"value": rng.choice([0.0, 0.5, 0.79, 0.9, 1.0, 1.5, 2.0, 3.0, 12.0])}
        elif rule.get("type") == "categorical" and roll < 0.7:
            fields = {"choice": rng.choice([c for c, _p in rule["choices"]])}
        for key, value in fields.items():
            setattr(answer, key, value)
        if 0.8 <= roll < 0.87:
            answer.state, answer.na_reason = Answer.State.NOT_APPLICABLE, "không có"
        answer.review = rng.choice(list(Answer.Review.values))
        if answer.review == Answer.Review.ADJUSTED:
            answer.verified_value = rng.choice([None, 0.0, 0.6, 1.0, 4.0])
            answer.verified_numerator = rng.choice([None, 10.0])
            answer.verified_denominator = rng.choice([None, 0.0, 40.0])
            answer.verified_choice = rng.choice(["", *[c for c, _p in rule.get("choices", [])]])
    Answer.objects.bulk_update(answers, ["value", "numerator", "denominator", "choice", "state", "na_reason",
                                         "review", "verified_value", "verified_numerator", "verified_denominator",
                                         "verified_choice"])


def _compare(submission, basis: str) -> tuple[int, int]:
    """(answers checked, answers the direct computation left to the engine); asserts equal numbers."""
    from dxboard.index import preview, scoring
    from dxboard.index.models import Answer

    engine = scoring.points_by_indicator(submission, basis)
    checked = fallback = 0
    answers = Answer.objects.filter(submission=submission).select_related("indicator", "submission__unit",
                                                                          "submission__campaign__framework")
    for answer in answers:
        direct = preview.direct_points(answer, answer.submission, basis)
        code = answer.indicator.code
        if direct is preview.UNKNOWN:
            fallback += 1
        else:
            assert direct == engine[code], (code, basis, answer.value, answer.numerator, answer.denominator,
                                            answer.choice, answer.state, answer.review, direct, engine[code])
        assert preview.answer_points(answer, answer.submission, basis) == engine[code]
        checked += 1
    return checked, fallback


@pytest.mark.parametrize("path", FRAMEWORKS, ids=lambda p: p.stem)
def test_direct_points_equal_the_engine_on_the_shipped_frameworks(path, personas, tree):
    from dxboard.index import scoring
    from dxboard.index.frameworks import import_framework

    framework, _ = import_framework(path.read_bytes(), path.name, acting_user=None)
    campaign = _campaign(framework, [tree["A"], tree["B"], tree["D"]], personas["admin"])
    total = 0
    for seed in range(4):
        for submission in campaign.submissions.select_related("unit"):
            _scatter(submission, random.Random(f"{path.stem}/{submission.unit.code}/{seed}"))
            for basis in (scoring.SELF, scoring.VERIFIED):
                checked, fallback = _compare(submission, basis)
                assert fallback == 0  # every shipped rule is computed directly
                total += checked
    assert total > 150  # every answer of 3 units × 4 fillings × 2 bases


def test_direct_points_equal_the_engine_on_every_rule_and_leave_the_odd_cases_to_it(personas, tree):
    from dxboard.index import scoring
    from dxboard.index.frameworks import import_framework
    from dxboard.index.models import Answer, Indicator

    framework, _ = import_framework(EDGES.encode(), "edges.yaml", acting_user=None)
    campaign = _campaign(framework, [tree["A"], tree["D"]], personas["admin"])
    sub_a = campaign.submissions.get(unit=tree["A"])
    # an answer that does not apply to a commune (as if opened before the rule said so): not applicable
    Answer.objects.create(submission=sub_a, indicator=Indicator.objects.get(framework=framework, code="K1"), value=1)
    fallbacks = 0
    for seed in range(12):
        for submission in campaign.submissions.select_related("unit"):
            _scatter(submission, random.Random(f"edges/{submission.unit.code}/{seed}"))
            for basis in (scoring.SELF, scoring.VERIFIED):
                fallbacks += _compare(submission, basis)[1]
    assert fallbacks  # the shared denominator and the numeric-looking choice went to the engine


def test_direct_points_computes_each_rule_as_the_engine_does(personas, tree):
    """Spot values by hand, so that a shared mistake of engine and preview would not pass unseen."""
    from dxboard.index import preview
    from dxboard.index.frameworks import import_framework
    from dxboard.index.models import Answer

    framework, _ = import_framework(EDGES.encode(), "edges.yaml", acting_user=None)
    campaign = _campaign(framework, [tree["A"]], personas["admin"])
    sub = campaign.submissions.select_related("unit", "campaign__framework").get()

    def points(code, **fields):
        answer = Answer.objects.select_related("indicator").get(submission=sub, indicator__code=code)
        for key, value in fields.items():
            setattr(answer, key, value)
        return preview.direct_points(answer, sub)

    assert points("R1", numerator=25.0) == 5.0
    assert points("R2", numerator=3.0, denominator=4.0) == 7.5
    assert points("R2", numerator=3.0, denominator=0.0) is None  # nothing to count: not applicable
    assert points("R2", numerator=3.0) == 0.0  # no denominator: not submitted
    assert points("R3", numerator=3.0, denominator=4.0) is preview.UNKNOWN  # shared denominator
    assert points("G1", value=0.9) == pytest.approx(15.0) and points("G1", value=0.5) == 0.0
    assert points("S1", value=0.0) == 15.0 and points("S1", value=2.0) == 5.0 and points("S1", value=4.0) == 0.0
    assert points("F1", value=1.5) == 20.0 and points("F1") == 0.0
    assert points("B1", value=1.0) == 5.0 and points("B2", value=1.0) == -5.0
    assert points("C1", choice="tre_han") == 4.0 and points("C1", choice="1") is preview.UNKNOWN
    assert points("F1", value=0.5, state=Answer.State.NOT_APPLICABLE) is None


def test_a_save_stores_the_engines_points(personas, sub_a):
    """Through the action: what the form's preview stores is what the engine computes."""
    from dxboard.index import actions, scoring

    inputs = {"A1": {"value": "1"}, "A2": {"numerator": "3", "denominator": "4"}, "B1": {"choice": "pho_chu_tich"},
              "B2": {"value": "3"}}
    for code, fields in inputs.items():
        a = answer_of(sub_a, code)
        read = a.version
        saved = actions.save_answer(acting_user=personas["officer_a"], answer=a, expected_version=read, **fields)
        assert saved.self_points == scoring.points_by_indicator(sub_a)[code]
        assert saved.version == read + 1
    assert {a.indicator.code: a.self_points for a in sub_a.answers.select_related("indicator")} == {
        "A1": 10.0, "A2": 15.0, "B1": 5.0, "B2": 4.0}


def _progress_from_answers(submission) -> dict:
    """The progress bars counted on the answers as model instances (is_answered, indicator, evidence):
    what the one-query `progress_of` must give."""
    answers = list(submission.answers.select_related("indicator").prefetch_related("evidence"))
    need = [a for a in answers if a.indicator.evidence and a.state == "answered" and a.is_answered]
    return {"total": len(answers), "answered": sum(a.is_answered for a in answers),
            "evidence_needed": len(need), "evidence": sum(1 for a in need if a.evidence.all()),
            "claimed": sum(a.self_points or 0 for a in answers),
            "maximum": sum(a.indicator.max_points or 0 for a in answers
                           if (a.indicator.rule or {}).get("effect") == "score")}


def test_the_progress_query_counts_what_the_answers_say(personas, sub_a):
    from dxboard.index import actions
    from dxboard.index.views import progress_of

    def counted(progress):
        return {k: v for k, v in progress.items() if not k.endswith("_pct")}

    assert counted(progress_of(sub_a)) == _progress_from_answers(sub_a)
    fill(sub_a, personas["officer_a"])
    a = answer_of(sub_a, "B2")
    actions.save_answer(acting_user=personas["officer_a"], answer=a, expected_version=a.version,
                        state="not_applicable", na_reason="không có trang")
    expected = _progress_from_answers(sub_a)
    assert expected["evidence"] == 1 and expected["answered"] == 4
    progress = progress_of(sub_a)
    assert counted(progress) == expected
    assert progress["answered_pct"] == 100 and progress["evidence_pct"] == round(100 / expected["evidence_needed"])


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_cached_evidence_form_is_the_rendered_one(language):
    """The partial's evidence form comes from a cache: the same HTML as rendering it, ids of its own answer."""
    from django.utils import translation

    from dxboard.index.forms import EvidenceForm
    from dxboard.index.templatetags.index_forms import for_answer, for_answer_as_p

    with translation.override(language):
        for pk in (7, 8, 7):
            html = for_answer_as_p(EvidenceForm(), pk)
            assert html == for_answer(EvidenceForm(), pk).as_p()
            assert f'id="id_a{pk}_summary"' in html and f'id="id_a{pk + 1}_summary"' not in html
        label = str(EvidenceForm.base_fields["summary"].label)  # in the language asked for
        assert label in for_answer_as_p(EvidenceForm(), 9)
        assert for_answer_as_p(EvidenceForm(), 9) != _in_other_language(language, EvidenceForm, 9)


def _in_other_language(language, form_class, pk):
    from django.utils import translation

    from dxboard.index.templatetags.index_forms import for_answer_as_p

    with translation.override("en" if language == "vi" else "vi"):
        return for_answer_as_p(form_class(), pk)


def test_an_autosave_reads_no_more_than_it_needs(login, personas, sub_a, django_assert_max_num_queries):
    """The autosave's queries are counted: 26 when it ran the engine and re-read the answers for the
    progress bars; now session, user, second factor, memberships, subtree, the answer, UPDATE, the
    re-read row, audit row, savepoint and its release, evidence, progress. More means a regression."""
    a = answer_of(sub_a, "B2")
    client = login(personas["officer_a"])
    client.post(f"/index/answers/{a.pk}/", {"version": a.version, "value": "6"}, HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(13):
        html = client.post(f"/index/answers/{a.pk}/", {"version": a.version + 1, "value": "1"},
                           HTTP_HX_REQUEST="true").content.decode()
    assert f'name="version" value="{a.version + 2}"' in html and 'hx-swap-oob="true"' in html
    assert answer_of(sub_a, "B2").self_points == 4.0
