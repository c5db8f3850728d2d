"""Who sees and does what on tasks: a matrix over the steering models × personas × actions (the
expected answers come from `expected_units` of the accounts matrix), coordinating units, and 404s
over HTTP and the API."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile

from dxboard.steering.models import (
    CompletionDeclaration,
    ExtensionRequest,
    Plan,
    ProgressReport,
    ReportAttachment,
    Task,
)
from tests.dxboard.accounts.test_permissions import expected_units

D = datetime.date
PERSONAS = ["admin", "officer_a", "officer_b", "dept_officer", "reviewer", "leader", "anonymous"]
ACTIONS = ["view", "report", "add", "change", "delete", "approve", "review"]


def _objects(unit, user, tree):
    plan = Plan.objects.create(unit=unit, title=f"Plan {unit.code}", year=2025, start=D(2025, 1, 1),
                               end=D(2025, 12, 31))
    task = Task.objects.create(plan=plan, title=f"T {unit.code}", lead_unit=unit, deadline=D(2025, 6, 30),
                               original_deadline=D(2025, 6, 30), effective_deadline=D(2025, 6, 30))
    report = ProgressReport.objects.create(task=task, unit=unit, percent=10, text="x", reported_by=user)
    attachment = ReportAttachment.objects.create(report=report, file=ContentFile(b"%PDF-1.4", name="a.pdf"),
                                                 original_name="a.pdf", content_type="application/pdf", size=8,
                                                 sha256="0")
    ext = ExtensionRequest.objects.create(task=task, requested_deadline=D(2025, 7, 30), old_deadline=D(2025, 6, 30),
                                          reason="r", requested_by=user)
    decl = CompletionDeclaration.objects.create(task=task, declared_on=D(2025, 6, 1), declared_by=user)
    return {Plan: plan, Task: task, ProgressReport: report, ReportAttachment: attachment, ExtensionRequest: ext,
            CompletionDeclaration: decl}


MODELS = [Plan, Task, ProgressReport, ReportAttachment, ExtensionRequest, CompletionDeclaration]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ACTIONS)
def test_restrict_matches_the_rules(tree, personas, model, persona, action, django_user_model):
    someone = django_user_model.objects.create_user("someone", password="x")
    made = {key: _objects(tree[key], someone, tree)[model] for key in ("A", "B", "D")}
    user = personas[persona] or AnonymousUser()
    visible = set(model.objects.restrict(user, action).filter(pk__in=[o.pk for o in made.values()])
                  .values_list("pk", flat=True))
    assert {k for k, o in made.items() if o.pk in visible} == expected_units(persona, action, model, tree)


def test_the_grants_say_what_the_brief_says():
    """Officers view and report; leaders read (and approve); reviewers see no task; plans are the office's."""
    from dxboard.accounts.models import Role

    assert Task.grants[Role.OFFICER] == {"view", "report"}
    assert Task.grants[Role.REVIEWER] == set()
    assert Task.grants[Role.LEADER] == {"view", "approve"}
    assert Plan.grants[Role.OFFICER] == set()


@pytest.mark.parametrize("model", [Task, ProgressReport, ReportAttachment, ExtensionRequest, CompletionDeclaration],
                         ids=lambda m: m.__name__)
def test_a_coordinating_unit_sees_and_reports_but_others_do_not(tree, personas, model, django_user_model):
    someone = django_user_model.objects.create_user("someone", password="x")
    made = _objects(tree["A"], someone, tree)
    made[Task].coordinating_units.add(tree["D"])
    obj = made[model]
    assert model.objects.restrict(personas["dept_officer"], "view").filter(pk=obj.pk).exists()
    assert model.objects.restrict(personas["dept_officer"], "report").filter(pk=obj.pk).exists()
    assert not model.objects.restrict(personas["officer_b"], "view").filter(pk=obj.pk).exists()
    # no duplicates from the join on coordinating units
    made[Task].coordinating_units.add(tree["B"])
    assert model.objects.restrict(personas["officer_a"], "view").filter(pk=obj.pk).count() == 1


@pytest.fixture
def task_a(make_task):
    return make_task(lead="A", coord=["D"], deadline=D(2026, 12, 31))


@pytest.mark.parametrize(("persona", "status"), [
    ("officer_a", 200), ("dept_officer", 200), ("officer_b", 404), ("reviewer", 404), ("leader", 200), ("admin", 200),
])
def test_task_page_of_another_unit_is_404(login, personas, task_a, persona, status):
    assert login(personas[persona]).get(f"/steering/tasks/{task_a.pk}/").status_code == status


@pytest.mark.parametrize(("persona", "status"), [
    ("officer_a", 302), ("dept_officer", 302), ("officer_b", 404), ("reviewer", 404), ("leader", 404), ("admin", 302),
])
def test_reporting_progress_on_another_units_task_is_404(login, personas, task_a, persona, status):
    response = login(personas[persona]).post(f"/steering/tasks/{task_a.pk}/progress/", {"percent": 20, "text": "x"})
    assert response.status_code == status
    assert task_a.reports.exists() == (status == 302)


@pytest.mark.parametrize(("persona", "status"), [
    ("officer_a", 404), ("leader", 404), ("admin", 302),
])
def test_only_the_standing_office_decides(login, personas, task_a, persona, status):
    from dxboard.steering import actions

    ext = actions.request_extension(acting_user=personas["officer_a"], task=task_a,
                                    requested_deadline=D(2027, 1, 31), reason="r")
    response = login(personas[persona]).post(f"/steering/extensions/{ext.pk}/decide/", {"decision": "yes"})
    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), [
    ("officer_a", 404), ("reviewer", 404), ("leader", 200), ("admin", 200),
])
def test_office_and_leader_pages(login, personas, task_a, persona, status):
    client = login(personas[persona])
    for url in ("/steering/plans/", f"/steering/plans/{task_a.plan_id}/", "/steering/league/", "/steering/summary/"):
        assert client.get(url).status_code == status, url


def test_plan_import_is_for_the_standing_office_only(login, personas, task_a):
    assert login(personas["leader"]).get("/steering/plans/import/").status_code == 404
    assert login(personas["officer_a"]).get("/steering/plans/template.xlsx").status_code == 404


def test_api_hides_other_units_tasks(login, personas, task_a, make_task):
    make_task(lead="B")
    client = login(personas["officer_b"])
    assert client.get(f"/api/v1/steering/tasks/{task_a.pk}/").status_code == 404
    assert client.post(f"/api/v1/steering/tasks/{task_a.pk}/progress/", {"percent": 5, "text": "x"}).status_code == 404
    assert [t["lead_unit"] for t in client.get("/api/v1/steering/tasks/").json()["results"]] == ["09187"]
    assert login(personas["reviewer"]).get("/api/v1/steering/tasks/").json()["count"] == 0


def test_attachment_download_of_another_unit_is_404(login, personas, task_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dxboard.steering import actions

    report = actions.report_progress(acting_user=personas["officer_a"], task=task_a, percent=5, text="x",
                                     uploads=[SimpleUploadedFile("r.pdf", b"%PDF-1.4 x")])
    pk = report.attachments.get().pk
    assert login(personas["officer_b"]).get(f"/steering/attachments/{pk}/").status_code == 404
    assert login(personas["dept_officer"]).get(f"/steering/attachments/{pk}/").status_code == 200


def test_pages_need_login(client):
    response = client.get("/steering/tasks/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/steering/tasks/").status_code in (401, 403)
