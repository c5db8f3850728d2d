"""The index reads the registry: an indicator with `source: itprojects` is filled from the unit's systems."""

import datetime

import pytest

from dxboard.itprojects.indicators import feed_submission, indicator_fraction

from .conftest import make_system

FRAMEWORK = """
code: it-feed-test
name: {vi: Thử nguồn danh mục, en: Registry source test}
model: points
nodes:
  - {code: AT1, name: {vi: Tỷ lệ hệ thống được phê duyệt cấp độ, en: Approved security level}, parents: {T: 1},
     rule: {type: fraction, max: 30}, source: itprojects}
  - {code: HT2, name: {vi: Tỷ lệ kết nối LGSP, en: LGSP share}, parents: {T: 1}, rule: {type: fraction, max: 20},
     source: itprojects}
  - {code: S1, name: {vi: Tự đánh giá, en: Self}, parents: {T: 1}, rule: {type: binary, max: 10}, source: self}
  - {code: T, type: aggregate, name: {vi: Tổng, en: Total}}
"""


@pytest.fixture
def submissions(tree, personas):
    from dxboard.index import actions
    from dxboard.index.frameworks import import_framework

    framework, _ = import_framework(FRAMEWORK.encode(), "it.yaml", acting_user=None)
    campaign = actions.create_campaign(acting_user=personas["admin"], framework=framework, name="Thử", period="2026",
                                       unit_kind="commune", opens=datetime.date(2026, 1, 1),
                                       closes=datetime.date(2026, 12, 31), units=[tree["A"], tree["B"]])
    actions.open_campaign(acting_user=personas["admin"], campaign=campaign)
    return {key: campaign.submissions.get(unit=tree[key]) for key in ("A", "B")}


def test_registry_figures_fill_the_index_answers(tree, personas, submissions):
    from dxboard.audit.models import AuditEntry

    make_system(tree["A"], "a1", security_status="approved", security_level=2, lgsp=True)
    make_system(tree["A"], "a2", security_status="approved", security_level=2)
    make_system(tree["A"], "a3")
    make_system(tree["A"], "a4", stage="planned", security_status="approved", security_level=1)
    mapping = {"AT1": "security_approved_share", "HT2": "lgsp_share", "S1": "lgsp_share"}
    assert indicator_fraction(tree["A"], "security_approved_share") == (2, 3)
    assert feed_submission(acting_user=personas["admin"], submission=submissions["A"], mapping=mapping) == 2
    answers = {a.indicator.code: a for a in submissions["A"].answers.select_related("indicator")}
    assert (answers["AT1"].numerator, answers["AT1"].denominator) == (2, 3)
    assert answers["AT1"].self_points == pytest.approx(20)
    assert (answers["HT2"].numerator, answers["HT2"].denominator) == (1, 3)
    assert answers["S1"].numerator is None and answers["S1"].value is None  # self-assessed: never fed
    assert AuditEntry.objects.filter(action__startswith="index.", object_id=str(answers["AT1"].pk)).exists()
    # commune B has no system in service: left unanswered rather than scored 0
    assert feed_submission(acting_user=personas["admin"], submission=submissions["B"], mapping=mapping) == 0


def test_a_unit_officer_cannot_feed_module_figures(tree, personas, submissions):
    from dxboard.index.actions import NotAllowed

    make_system(tree["A"], "a1", security_status="approved", security_level=2)
    with pytest.raises(NotAllowed):
        feed_submission(acting_user=personas["officer_a"], submission=submissions["A"],
                        mapping={"AT1": "security_approved_share"})


def test_default_mapping_matches_the_shipped_templates():
    from pathlib import Path

    import yaml

    from dxboard.itprojects.indicators import CODES, DEFAULT_MAPPING

    root = Path(__file__).resolve().parents[3] / "frameworks"
    for code, mapping in DEFAULT_MAPPING.items():
        nodes = {n["code"]: n for n in yaml.safe_load((root / f"{code}.yaml").read_text())["nodes"]}
        for indicator, figure in mapping.items():
            assert nodes[indicator]["source"] == "itprojects" and nodes[indicator]["rule"]["type"] == "fraction"
            assert figure in CODES


def test_the_campaign_page_fills_registry_figures_for_every_unit(tree, personas, submissions, login, monkeypatch):
    from dxboard.index.sources import registered

    make_system(tree["A"], "a1", security_status="approved", security_level=2, lgsp=True)
    assert "itprojects" in registered()
    campaign = submissions["A"].campaign
    # the default mapping knows the shipped templates; this test framework reuses their codes AT1/HT2
    from dxboard.itprojects import indicators

    monkeypatch.setitem(indicators.DEFAULT_MAPPING, "it-feed-test",
                        {"AT1": "security_approved_share", "HT2": "lgsp_share"})
    assert login(personas["officer_a"]).post(f"/index/campaigns/{campaign.pk}/action/",
                                             {"action": "fill"}).status_code == 404
    login(personas["admin"]).post(f"/index/campaigns/{campaign.pk}/action/", {"action": "fill"})
    answer = submissions["A"].answers.get(indicator__code="AT1")
    assert (answer.numerator, answer.denominator) == (1, 1)
