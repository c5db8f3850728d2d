"""Coverage figures, overdue reviews, duplicates and index indicator values on hand-made cases."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from dxboard.itprojects import duplicates, portfolio

from .conftest import make_system

DAY = datetime.date(2026, 6, 30)


def sys_(pk, stage="operating", status="none", level=None, assessed=None, lgsp=False, ndxp=False, **extra):
    base = {"pk": pk, "stage": stage, "security_status": status, "security_level": level,
            "security_assessed": assessed, "lgsp": lgsp, "ndxp": ndxp, "budget_approved": None,
            "budget_disbursed": None, "yearly_cost": None, "target_users": None, "monthly_active_users": None}
    base.update(extra)
    return SimpleNamespace(**base)


def test_coverage_counts_only_systems_in_service():
    systems = [
        sys_(1, status="approved", level=3, assessed=datetime.date(2025, 1, 1), lgsp=True, ndxp=True),
        sys_(2, status="approved", level=2, assessed=datetime.date(2020, 1, 1), lgsp=True),
        sys_(3, status="proposed", level=2),
        sys_(4, stage="accepted"),
        sys_(5, stage="planned", status="approved", level=3, lgsp=True),  # not in service: not counted
        sys_(6, stage="retired", status="approved", level=3),  # not counted
        sys_(7, status="approved", level=None),  # "approved" without a level does not count
    ]
    c = portfolio.coverage(systems, sharing_ids={1, 3, 5}, as_of=DAY)
    assert c["in_service"] == 5
    assert (c["security_approved"], c["security_approved_share"]) == (2, 0.4)
    assert (c["security_current"], c["security_current_share"]) == (1, 0.2)
    assert (c["lgsp"], c["lgsp_share"]) == (2, 0.4)
    assert (c["ndxp"], c["ndxp_share"]) == (1, 0.2)
    assert (c["sharing"], c["sharing_share"]) == (2, 0.4)


def test_coverage_of_nothing_in_service_is_none_not_zero():
    c = portfolio.coverage([sys_(1, stage="planned")], set(), DAY)
    assert c["in_service"] == 0 and c["security_approved_share"] is None and c["sharing_share"] is None


def test_assessment_two_years_old_is_still_current_one_day_more_is_not():
    limit = DAY - datetime.timedelta(days=portfolio.ASSESSMENT_VALID_DAYS)
    assert portfolio.security_current(sys_(1, status="approved", level=2, assessed=limit), DAY)
    assert not portfolio.security_current(
        sys_(1, status="approved", level=2, assessed=limit - datetime.timedelta(days=1)), DAY)


def test_breakdown_and_totals_sum_spend():
    systems = [sys_(1, domain="health", budget_approved=Decimal("100.5"), budget_disbursed=Decimal(50)),
               sys_(2, domain="health", budget_approved=Decimal(20), yearly_cost=Decimal(3)),
               sys_(3, domain="land", budget_approved=None)]
    rows = portfolio.breakdown(systems, lambda s: s.domain)
    assert [(r["key"], r["count"], r["approved"], r["disbursed"], r["yearly_cost"]) for r in rows] == [
        ("health", 2, Decimal("120.5"), Decimal(50), Decimal(3)), ("land", 1, 0, 0, 0)]
    assert portfolio.totals(systems)["approved"] == Decimal("120.5")


def test_overdue_for_review():
    systems = [sys_(1), sys_(2), sys_(3), sys_(4, stage="planned")]
    last = {1: DAY - datetime.timedelta(days=365), 2: DAY - datetime.timedelta(days=366)}
    assert [s.pk for s in portfolio.overdue(systems, last, DAY)] == [2, 3]


def test_usage_share():
    assert portfolio.usage_share(sys_(1, target_users=200, monthly_active_users=50)) == 0.25
    assert portfolio.usage_share(sys_(1, target_users=0, monthly_active_users=50)) is None


def _d(pk, name, function="", domain="documents", owner=1, origin=None, level="province", stage="operating",
       purpose=""):
    return SimpleNamespace(pk=pk, name=name, function=function, domain=domain, owner_id=owner, origin_id=origin,
                           level=level, stage=stage, purpose=purpose)


def test_duplicates_pair_the_same_job_across_units_and_former_provinces():
    systems = [
        _d(1, "Hệ thống quản lý văn bản và điều hành", "document-management", owner=1, origin=27),
        _d(2, "Phần mềm quản lý văn bản Bắc Giang", "document-management", owner=2, origin=24),
        _d(3, "Phần mềm quản lý văn bản nội bộ", "document-management", owner=1),  # same owner as 1
        _d(4, "Cổng thông tin điện tử tỉnh", "web-portal", domain="government", owner=3),
        _d(5, "Cơ sở dữ liệu đất đai", "land-db", domain="land", owner=4),
        _d(6, "Hệ thống quản lý văn bản cũ", "document-management", owner=5, stage="retired"),
    ]
    pairs = duplicates.candidates(systems)
    found = {(p.a.pk, p.b.pk) for p in pairs}
    assert (1, 2) in found and (2, 3) in found
    assert (1, 3) not in found  # same owner unit: not a duplicate across units
    assert not any(6 in pair for pair in found)  # retired
    assert not any(4 in pair or 5 in pair for pair in found)
    top = pairs[0]
    assert (top.a.pk, top.b.pk) == (1, 2) and top.cross_origin and top.same_function


def test_duplicates_by_text_need_the_same_domain_and_close_wording():
    systems = [_d(1, "Cổng thông tin điện tử phường Kinh Bắc", domain="government", owner=1),
               _d(2, "Cổng thông tin điện tử phường Bắc Giang", domain="government", owner=2),
               _d(3, "Cổng thông tin điện tử phường Vũ Ninh", domain="social", owner=3),
               _d(4, "Phần mềm thi đua khen thưởng", domain="government", owner=4)]
    found = {(p.a.pk, p.b.pk) for p in duplicates.candidates(systems)}
    assert found == {(1, 2)}


def test_tfidf_cosine_is_one_for_equal_texts_and_zero_for_disjoint():
    v = duplicates.tfidf_vectors({1: "quản lý văn bản", 2: "quan ly van ban", 3: "xyz"})
    assert duplicates.cosine(v[1], v[2]) == pytest.approx(1.0)
    assert duplicates.cosine(v[1], v[3]) == 0


# -- the index reads them ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_indicator_values_for_a_unit_and_the_province(tree, personas):
    from dxboard.itprojects import actions
    from dxboard.itprojects.indicators import indicator_value

    a, b = tree["A"], tree["B"]
    a1 = make_system(a, "a1", security_status="approved", security_level=2, lgsp=True,
                     security_assessed=datetime.date(2025, 5, 1), go_live=datetime.date(2023, 1, 1))
    a2 = make_system(a, "a2", go_live=datetime.date(2023, 1, 1))
    make_system(a, "a3", stage="planned")
    make_system(a, "a4", stage="retired", go_live=datetime.date(2020, 1, 1), retired_on=datetime.date(2025, 1, 1),
                security_status="approved", security_level=2)
    make_system(b, "b1", security_status="approved", security_level=3, go_live=datetime.date(2023, 1, 1))
    actions.add_link(acting_user=personas["admin"], source=a2, target=a1, dataset="x", channel="lgsp")

    assert indicator_value(a, "security_approved_share", DAY) == 0.5
    assert indicator_value(a, "lgsp_share", DAY) == 0.5
    assert indicator_value(a, "sharing_share", DAY) == 0.5
    assert indicator_value(a, "systems_in_service", DAY) == 2
    assert indicator_value(b, "security_approved_share", DAY) == 1.0
    assert indicator_value(tree["D"], "security_approved_share", DAY) is None  # no system: missing
    assert indicator_value(tree["P"], "security_approved_share", DAY) == pytest.approx(2 / 3, abs=1e-4)
    # as of a day before a4 was retired, it counts (approved) and a1/a2 were not yet live
    assert indicator_value(a, "security_approved_share", datetime.date(2022, 6, 1)) == 1.0
    assert indicator_value(a, "reviewed_share", DAY) == 0.0
    with pytest.raises(KeyError):
        indicator_value(a, "no_such_code", DAY)


@pytest.mark.django_db
def test_reviewed_share_counts_completed_reviews(tree, personas):
    from django.utils import timezone

    from dxboard.itprojects import actions
    from dxboard.itprojects.indicators import indicator_value

    s1 = make_system(tree["A"], "a1")
    make_system(tree["A"], "a2")
    campaign = actions.open_review_campaign(acting_user=personas["admin"], year=2026, name="R",
                                            deadline=datetime.date(2026, 12, 1))
    review = campaign.reviews.get(system=s1)
    actions.save_review(acting_user=personas["admin"], review=review, complete=True, verdict="keep",
                        score_integration=4)
    assert indicator_value(tree["A"], "reviewed_share", timezone.localdate()) == 0.5


def test_the_portfolio_figures_from_the_registry_rows(tree):
    """Three systems entered in the registry; counts and spend (million VND) recomputed by hand."""
    from dxboard.itprojects.models import Channel, Link, System

    a = make_system(tree["A"], "sys-a", stage="operating", budget_approved=Decimal("1200.5"),
                    budget_disbursed=Decimal("800"), yearly_cost=Decimal("90"), lgsp=True,
                    security_status="approved", security_level=2, security_assessed=datetime.date(2025, 3, 1))
    b = make_system(tree["A"], "sys-b", stage="accepted", budget_approved=Decimal("300"), budget_disbursed=None,
                    yearly_cost=Decimal("15.5"))
    make_system(tree["B"], "sys-c", stage="planned", budget_approved=Decimal("2000"), budget_disbursed=Decimal("0"))
    Link.objects.create(source=a, target=b, dataset="Hồ sơ", channel=Channel.values[0])
    figures = portfolio.summary(System.objects.all(), as_of=datetime.date(2026, 6, 1))
    assert figures["totals"] == {"count": 3, "approved": Decimal("1200.5") + 300 + 2000,
                                 "disbursed": Decimal("800") + 0 + 0, "yearly_cost": Decimal("90") + Decimal("15.5")}
    cov = figures["coverage"]  # in service: sys-a (operating) and sys-b (accepted); sys-c is planned
    assert (cov["in_service"], cov["lgsp"], cov["lgsp_share"]) == (2, 1, 1 / 2)
    assert (cov["security_approved"], cov["security_current"], cov["sharing"]) == (1, 1, 1)
    by_owner = {row["key"]: (row["count"], row["approved"]) for row in figures["by_owner"]}
    assert by_owner == {tree["A"].pk: (2, Decimal("1200.5") + 300), tree["B"].pk: (1, Decimal("2000"))}
    assert {s.code for s in figures["overdue"]} == {"sys-a", "sys-b"}  # in service, never reviewed
