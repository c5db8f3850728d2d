"""The permission matrix: role × own unit / other unit × model × action.

Later apps add their models to MATRIX (a factory making an object that belongs to a unit, and the
actions to check). Expected answers come from the rules, written once in `expected_units`.
"""

import pytest

from dxboard.accounts.models import Membership, Role
from dxboard.accounts.permissions import EVERYTHING, scope

ACTIONS = ["view", "add", "change", "delete", "review", "approve"]


def make_membership(unit, other_user):
    return Membership.objects.create(user=other_user, unit=unit, role=Role.OFFICER)


def _index_objects(unit, other_user):
    """A submission of `unit` with an answer, an evidence file and an appeal (one campaign per unit)."""
    import datetime

    from django.core.files.base import ContentFile

    from dxboard.index.models import Answer, Appeal, Campaign, Evidence, Framework, Indicator, Submission

    framework, _ = Framework.objects.get_or_create(code="perm", version=1, defaults={
        "name": "perm", "definition": "nodes: []", "sha256": "0" * 64})
    indicator, _ = Indicator.objects.get_or_create(framework=framework, code="X1", defaults={"name": "X1"})
    campaign = Campaign.objects.create(framework=framework, name=f"perm {unit.code}", period="2025",
                                       unit_kind=unit.kind, opens=datetime.date(2025, 1, 1),
                                       closes=datetime.date(2025, 12, 31))
    submission = Submission.objects.create(campaign=campaign, unit=unit)
    answer = Answer.objects.create(submission=submission, indicator=indicator)
    evidence = Evidence.objects.create(answer=answer, summary="s", file=ContentFile(b"%PDF-1.4", name="e.pdf"),
                                       original_name="e.pdf", content_type="application/pdf", size=8, sha256="0",
                                       uploaded_by=other_user)
    appeal = Appeal.objects.create(submission=submission, answer=answer, text="t", filed_by=other_user)
    return {"Submission": submission, "Answer": answer, "Evidence": evidence, "Appeal": appeal}


def _index_factory(name):
    return lambda unit, other_user: _index_objects(unit, other_user)[name]


def _index_models():
    from dxboard.index.models import Answer, Appeal, Evidence, Submission

    return {m: _index_factory(m.__name__) for m in (Submission, Answer, Evidence, Appeal)}


MATRIX = {Membership: make_membership, **_index_models()}


def expected_units(persona: str, action: str, model, tree) -> set[str]:
    """Which of the units A, B, D a persona may act on, by the rules in accounts/permissions.py."""
    everything = {"A", "B", "D"}
    grants = getattr(model, "grants", None)
    if persona == "admin":
        return everything
    if persona == "anonymous":
        return set()
    role, own = {"officer_a": (Role.OFFICER, "A"), "officer_b": (Role.OFFICER, "B"),
                 "dept_officer": (Role.OFFICER, "D"), "reviewer": (Role.REVIEWER, "A"),
                 "leader": (Role.LEADER, "P")}[persona]
    default = {Role.OFFICER: {"view", "add", "change", "delete"}, Role.REVIEWER: {"view", "review"},
               Role.LEADER: {"view", "approve"}}
    allowed = (grants or default).get(role, default[role])
    if action not in allowed:
        return set()
    return everything if role == Role.LEADER else {own}


@pytest.mark.parametrize("model", list(MATRIX), ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", ["admin", "officer_a", "officer_b", "dept_officer", "reviewer", "leader",
                                     "anonymous"])
@pytest.mark.parametrize("action", ACTIONS)
def test_restrict_matches_the_rules(tree, personas, model, persona, action, django_user_model):
    someone = django_user_model.objects.create_user("someone", password="x")
    made = {key: MATRIX[model](tree[key], someone) for key in ("A", "B", "D")}
    user = personas[persona]
    from django.contrib.auth.models import AnonymousUser

    visible = set(model.objects.restrict(user or AnonymousUser(), action).filter(pk__in=[o.pk for o in made.values()])
                  .values_list("pk", flat=True))
    assert {k for k, o in made.items() if o.pk in visible} == expected_units(persona, action, model, tree)


def test_default_grants_without_a_model(personas, tree):
    assert scope(personas["officer_a"], "change") == {tree["A"].pk}
    assert scope(personas["officer_a"], "review") == set()
    assert scope(personas["reviewer"], "review") == {tree["A"].pk}
    assert scope(personas["reviewer"], "change") == set()
    assert scope(personas["leader"], "view") is EVERYTHING
    assert scope(personas["leader"], "change") == set()
    assert scope(personas["admin"], "delete") is EVERYTHING
    assert scope(None, "view") == set()


def test_an_officer_of_a_parent_unit_covers_the_units_under_it(tree, django_user_model):
    user = django_user_model.objects.create_user("district_officer", password="x")
    Membership.objects.create(user=user, unit=tree["old_district"], role=Role.OFFICER)
    assert scope(user, "change") == {tree["old_district"].pk} | {w.pk for w in tree["old_wards"]}


def test_the_subtree_is_read_once_per_user_object(tree, django_user_model, django_assert_num_queries):
    """A request asks several times (lookup, action, partial): the tree is walked once per user object,
    and a fresh user object (the next request) walks it again."""
    user = django_user_model.objects.create_user("district_officer", password="x")
    Membership.objects.create(user=user, unit=tree["old_district"], role=Role.OFFICER)
    expected = {tree["old_district"].pk} | {w.pk for w in tree["old_wards"]}
    assert scope(user, "change") == expected
    with django_assert_num_queries(0):
        assert scope(user, "view") == expected and scope(user, "delete") == expected
    fresh = django_user_model.objects.get(pk=user.pk)
    with django_assert_num_queries(3):  # memberships, then two levels of the tree
        assert scope(fresh, "change") == expected


@pytest.mark.parametrize(("persona", "unit", "status"), [
    ("officer_a", "A", 200), ("officer_a", "B", 404), ("officer_b", "A", 404), ("dept_officer", "A", 404),
    ("reviewer", "A", 404), ("leader", "B", 200), ("admin", "B", 200),
])
def test_members_page_of_another_unit_is_404(login, personas, tree, persona, unit, status):
    client = login(personas[persona])
    assert client.get(f"/units/{tree[unit].code}/members/").status_code == status


def test_members_page_needs_login(client, tree):
    response = client.get("/units/07210/members/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_the_standing_office_gets_its_panel(login, personas):
    assert 'id="admin-panel"' in login(personas["admin"]).get("/").content.decode()
    for persona in ("officer_a", "reviewer", "leader"):
        assert 'id="admin-panel"' not in login(personas[persona]).get("/").content.decode()
