"""Permissions of the IT registry: the matrix (models × personas × actions) and HTTP 404s.

Rules: the owner unit's officers view/add/change/delete their systems, data sets and links and report
usage; the operator unit's officers view and report usage; the standing office (admin) does
everything and alone writes reviews; leaders read everything; reviewers read the systems of the
units they review; another unit's system is 404 everywhere.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from dxboard.itprojects import actions
from dxboard.itprojects.models import DataSet, Link, Review, ReviewCampaign, System
from tests.dxboard.accounts.test_permissions import expected_units

from .conftest import make_system

ACTIONS = ["view", "add", "change", "delete", "usage", "review", "approve"]
PERSONAS = ["admin", "officer_a", "officer_b", "dept_officer", "reviewer", "leader", "anonymous"]


def _objects(unit):
    system = make_system(unit, f"m-{unit.code}")
    campaign, _ = ReviewCampaign.objects.get_or_create(year=2026, defaults={
        "name": "R", "deadline": datetime.date(2026, 12, 1)})
    return {System: system, DataSet: DataSet.objects.create(system=system, name="d"),
            Link: Link.objects.create(source=system, target_name="CSDL quốc gia", dataset="x", channel="ndxp"),
            Review: Review.objects.create(campaign=campaign, system=system)}


MODELS = [System, DataSet, Link, Review]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ACTIONS)
def test_restrict_matches_the_rules(tree, personas, model, persona, action):
    made = {key: _objects(tree[key])[model] for key in ("A", "B", "D")}
    user = personas[persona] or AnonymousUser()
    visible = set(model.objects.restrict(user, action).filter(pk__in=[o.pk for o in made.values()])
                  .values_list("pk", flat=True))
    assert {k for k, o in made.items() if o.pk in visible} == expected_units(persona, action, model, tree)


def test_only_the_admin_may_write_reviews():
    assert Review.grants and all("change" not in g for g in Review.grants.values())


@pytest.mark.parametrize(("persona", "view", "usage", "change"), [
    ("officer_a", True, True, False),  # operator unit
    ("dept_officer", True, True, True),  # owner unit
    ("officer_b", False, False, False),
    ("leader", True, False, False),
])
def test_the_operator_unit_reads_and_reports_usage_only(tree, personas, persona, view, usage, change):
    system = make_system(tree["D"], "operated", operator=tree["A"])
    user = personas[persona]
    assert System.objects.restrict(user, "view").filter(pk=system.pk).exists() is view
    assert System.objects.restrict(user, "usage").filter(pk=system.pk).exists() is usage
    assert System.objects.restrict(user, "change").filter(pk=system.pk).exists() is change
    if usage:
        actions.report_usage(acting_user=user, system=system, monthly_active_users=12)
        system.refresh_from_db()
        assert system.monthly_active_users == 12
    else:
        with pytest.raises(actions.NotAllowed):
            actions.report_usage(acting_user=user, system=system, monthly_active_users=12)
    if not change:
        with pytest.raises(actions.NotAllowed):
            actions.update_system(acting_user=user, system=system, name="x")


def test_actions_refuse_another_units_system(tree, personas, systems):
    other = personas["officer_b"]
    a = systems["A"]
    with pytest.raises(actions.NotAllowed):
        actions.update_system(acting_user=other, system=a, name="hijack")
    with pytest.raises(actions.NotAllowed):
        actions.delete_system(acting_user=other, system=a)
    with pytest.raises(actions.NotAllowed):
        actions.add_link(acting_user=other, source=a, target=systems["B"], dataset="x", channel="api")
    with pytest.raises(actions.NotAllowed):
        actions.add_dataset(acting_user=other, system=a, name="x")
    with pytest.raises(actions.NotAllowed):
        actions.create_system(acting_user=other, code="new", name="n", domain="health", owner=tree["A"])
    with pytest.raises(actions.NotAllowed):  # nor move one's own system to another unit
        actions.update_system(acting_user=other, system=systems["B"], owner=tree["A"])
    assert System.objects.get(pk=a.pk).name == a.name


def test_only_the_standing_office_runs_reviews(personas, campaign, systems):
    review = campaign.reviews.get(system=systems["A"])
    for persona in ("officer_a", "leader", "reviewer"):
        with pytest.raises(actions.NotAllowed):
            actions.save_review(acting_user=personas[persona], review=review, verdict="keep")
        with pytest.raises(actions.NotAllowed):
            actions.open_review_campaign(acting_user=personas[persona], year=2030, name="x",
                                         deadline=datetime.date(2030, 1, 1))


# -- HTTP: another unit's objects are 404 on every page, API and action ----------------------------------
def _urls(systems, campaign):
    a = systems["A"]
    dataset = DataSet.objects.create(system=a, name="d")
    link = Link.objects.create(source=a, target=systems["B"], dataset="x", channel="lgsp")
    review = campaign.reviews.get(system=a)
    return {
        "get": [f"/itprojects/systems/{a.pk}/", f"/itprojects/systems/{a.pk}/edit/",
                f"/itprojects/systems/{a.pk}/usage/", f"/itprojects/review/{review.pk}/",
                f"/api/v1/itprojects/systems/{a.pk}/", f"/api/v1/itprojects/links/{link.pk}/",
                f"/api/v1/itprojects/reviews/{review.pk}/"],
        "post": [f"/itprojects/systems/{a.pk}/edit/", f"/itprojects/systems/{a.pk}/usage/",
                 f"/itprojects/systems/{a.pk}/delete/", f"/itprojects/systems/{a.pk}/datasets/",
                 f"/itprojects/systems/{a.pk}/links/", f"/itprojects/datasets/{dataset.pk}/remove/",
                 f"/itprojects/links/{link.pk}/remove/", f"/itprojects/review/{review.pk}/"],
    }


def test_another_units_system_is_404_everywhere(login, personas, systems, campaign):
    urls = _urls(systems, campaign)
    client = login(personas["officer_b"])
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"name": "x", "monthly_active_users": 1}).status_code == 404, url
    assert client.patch(f"/api/v1/itprojects/systems/{systems['A'].pk}/usage/", {"monthly_active_users": 5},
                        content_type="application/json").status_code == 404
    assert System.objects.filter(pk=systems["A"].pk).exists()
    assert DataSet.objects.filter(system=systems["A"]).exists() and Link.objects.filter(source=systems["A"]).exists()
    listed = client.get("/api/v1/itprojects/systems/").json()["results"]
    assert [s["code"] for s in listed] == ["sys-b"]
    assert "sys-a" not in client.get("/itprojects/").content.decode()


def test_own_system_pages_answer(login, personas, systems, campaign):
    urls = _urls(systems, campaign)
    client = login(personas["officer_a"])
    for url in urls["get"]:
        assert client.get(url).status_code == 200, url
    # the owner reads the review but may not write it
    review = campaign.reviews.get(system=systems["A"])
    assert client.post(f"/itprojects/review/{review.pk}/", {"verdict": "keep"}).status_code == 404
    assert client.patch(f"/api/v1/itprojects/reviews/{review.pk}/", {"verdict": "keep"},
                        content_type="application/json").status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("leader", 200), ("admin", 200), ("reviewer", 200),
                                                 ("dept_officer", 404)])
def test_readers_of_unit_a(login, personas, systems, persona, status):
    assert login(personas[persona]).get(f"/itprojects/systems/{systems['A'].pk}/").status_code == status


def test_pages_need_login(client, systems):
    for url in ("/itprojects/", "/itprojects/portfolio/", "/itprojects/graph.svg", "/itprojects/reviews/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.get("/api/v1/itprojects/systems/").status_code in (401, 403)


def test_review_campaign_and_admin_pages_are_404_for_others(login, personas, systems, campaign):
    client = login(personas["officer_a"])
    assert client.post("/itprojects/reviews/", {"year": 2031, "name": "x", "deadline": "2031-12-01"}).status_code \
        == 404
    assert client.post(f"/itprojects/reviews/{campaign.year}/close/").status_code == 404
    # the campaign page shows an officer only the reviews of their own systems
    html = client.get(f"/itprojects/reviews/{campaign.year}/").content.decode()
    assert systems["A"].name in html and systems["B"].name not in html
    assert login(personas["dept_officer"]).get("/itprojects/reviews/2099/").status_code == 404
