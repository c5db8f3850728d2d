"""The index reads the series: indicators with `source: kpi` get the unit's figure over the campaign's
period (rate of sums, last value or mean)."""

import datetime

import pytest

from dxboard.kpi.indicators import DEFAULT_MAPPING, feed_submission

from .conftest import make_metric, obs

FRAMEWORK = """
code: kpi-feed-test
name: {vi: Thử nguồn số liệu vận hành, en: KPI source test}
model: points
nodes:
  - {code: CQ1, name: {vi: Văn bản điện tử, en: E-documents}, parents: {T: 1}, rule: {type: fraction, max: 40},
     source: kpi}
  - {code: CQ5, name: {vi: Đúng hạn, en: On time}, parents: {T: 1}, rule: {type: goalposts, max: 30, low: 0.8,
     high: 1.0}, source: kpi}
  - {code: S1, name: {vi: Tự đánh giá, en: Self}, parents: {T: 1}, rule: {type: binary, max: 10}, source: self}
  - {code: T, type: aggregate, name: {vi: Tổng, en: Total}}
"""


@pytest.fixture
def submissions(tree, personas):
    from dxboard.index import actions
    from dxboard.index.frameworks import import_framework

    framework, _ = import_framework(FRAMEWORK.encode(), "kpi.yaml", acting_user=None)
    campaign = actions.create_campaign(acting_user=personas["admin"], framework=framework, name="Thử", period="2026",
                                       unit_kind="commune", opens=datetime.date(2026, 1, 1),
                                       closes=datetime.date(2026, 12, 31), units=[tree["A"], tree["B"]])
    actions.open_campaign(acting_user=personas["admin"], campaign=campaign)
    return {key: campaign.submissions.get(unit=tree[key]) for key in ("A", "B")}


def test_series_fill_the_index_answers(tree, personas, submissions):
    from dxboard.audit.models import AuditEntry

    docs, ontime = make_metric("T_DOCS"), make_metric("T_ONTIME")
    obs(docs, tree["A"], "2026-W02", 9, 10)
    obs(docs, tree["A"], "2026-W03", 41, 90)
    obs(docs, tree["A"], "2025-W50", 0, 1000)  # outside the campaign's year
    obs(ontime, tree["A"], "2026-W02", 9, 10)
    obs(ontime, tree["A"], "2026-W03", 7, 10)
    mapping = {"CQ1": ("T_DOCS", "sum"), "CQ5": ("T_ONTIME", "mean"), "S1": ("T_DOCS", "sum")}
    assert feed_submission(acting_user=personas["admin"], submission=submissions["A"], mapping=mapping) == 2
    answers = {a.indicator.code: a for a in submissions["A"].answers.select_related("indicator")}
    assert (answers["CQ1"].numerator, answers["CQ1"].denominator) == (50, 100)
    assert answers["CQ5"].value == pytest.approx(0.8)
    assert answers["S1"].value is None and answers["S1"].numerator is None
    assert AuditEntry.objects.filter(action__startswith="index.", object_id=str(answers["CQ1"].pk)).exists()
    # commune B has no figure: left unanswered
    assert feed_submission(acting_user=personas["admin"], submission=submissions["B"], mapping=mapping) == 0
    mapping["CQ1"] = ("T_DOCS", "last")
    submissions["A"].refresh_from_db()
    feed_submission(acting_user=personas["admin"], submission=submissions["A"], mapping=mapping)
    answers["CQ1"].refresh_from_db()
    assert (answers["CQ1"].numerator, answers["CQ1"].denominator) == (41, 90)


def test_registered_as_source():
    from dxboard.index import sources

    assert "kpi" in sources.registered()


def test_default_mapping_matches_the_shipped_templates(db):
    from pathlib import Path

    import yaml

    from dxboard.kpi.models import Metric

    root = Path(__file__).resolve().parents[3] / "frameworks"
    codes = set(Metric.objects.values_list("code", flat=True))  # the shipped defaults
    for framework, mapping in DEFAULT_MAPPING.items():
        nodes = {n["code"]: n for n in yaml.safe_load((root / f"{framework}.yaml").read_text())["nodes"]}
        kpi = {c for c, n in nodes.items() if n.get("source") == "kpi"}
        assert set(mapping) == kpi, framework
        for indicator, (metric, how) in mapping.items():
            assert metric in codes and how in ("sum", "last", "mean"), indicator
