"""The permission matrix covers every model and every object page of every app.

1. Every concrete model of the dxboard apps is either in a permission matrix (a `test_permissions.py`
   checking `restrict()` for every persona × action), or listed below with the reason it carries no unit's
   data. A new model fails here until it is one or the other.
2. Every URL that names an object (`<pk>`, a code, a uuid) is walked: for an object of commune B, the
   officer of commune A gets 404 (GET and POST), and the administrator does not (the URL is real). URLs
   whose objects belong to no unit are listed with the reason. A new route fails here until it is in one
   list or the other.
"""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

# Models whose rows belong to no unit, each with why. Anything reachable per unit has a `unit_path`.
NO_UNIT_DATA = {
    "core.Notification": "a person's own inbox: filtered by recipient, never by unit",
    "core.OutboxMail": "e-mails kept instead of sent (development): the administrator's outbox page only",
    "core.PurgeRun": "a record that the personal-data purge ran (kind, cutoff, count): the administrator's page only",
    "accounts.Preference": "a person's own choice of language: set by that person only, never shown to others",
    "audit.AuditEntry": "the audit log: the administrator's page only (test_audit: others 404)",
    "accounts.ApiToken": "a person's own API tokens: listed and revoked by their owner only (test_tokens: "
                         "another's token is 404)",
    "accounts.LoginThrottle": "failed-login counters per user name and address; never shown",
    "units.Unit": "the administrative map of Vietnam: public reference data, the same for everyone",
    "units.UnitSuccession": "mergers, splits and renames of units: public reference data with the units",
    "index.Framework": "the index's method (indicators, weights): the same for every unit, published",
    "index.Indicator": "an indicator of a framework: part of the method",
    "index.IndicatorMapping": "how indicators of two framework versions correspond: part of the method",
    "index.Campaign": "a campaign's name, period and dates; each unit's part is its Submission",
    "index.ResultSnapshot": "the official result of all units at once: staff until published, then public "
                            "(test_reports, test_portal)",
    "index.CampaignReminder": "a record that a reminder was sent (idempotency); never shown",
    "itprojects.ReviewCampaign": "a year's review round: its name and deadline; each system's part is a Review",
    "workdays.Holiday": "the national calendar of days off",
    "jobs.Job": "the worker's queue: arguments and states, no page of its own",
    "steering.DirectiveDocument": "the province's directive documents (number, date, issuer): public to staff",
    "steering.RecurrenceRule": "how a recurring task repeats (frequency, day); read only through its Task",
    "steering.ReminderSent": "a record that a reminder was sent (idempotency); never shown",
    "steering.DigestSent": "a record that a weekly digest was sent (idempotency); never shown",
    "feedback.Category": "the categories citizens choose from: public",
    "feedback.ConsentVersion": "the consent texts citizens agree to: public",
    "feedback.ApiClient": "Open311 clients (a hashed key): the intake office's settings page only",
    "feedback.Rating": "a citizen's score of an answer: read only through its Report (restricted) and as "
                       "figures",
    "feedback.RoutingRule": "category × commune → unit: the intake office's routing table",
    "feedback.ReminderSent": "a record that a reminder was sent (idempotency); never shown",
    "feedback.RateKey": "a hashed device, hashed address or client id that submission limits lock; never shown",
    "kpi.Metric": "a metric's definition: the same for every unit",
    "kpi.Target": "a target per year and unit kind, not per unit",
    "kpi.SourceSystem": "a machine source (hashed token): the office's page only (test_admin_pages)",
    "kpi.PullEndpoint": "where the worker pulls figures from: the office's configuration",
    "kpi.FetchLog": "the worker's log of pulls: the office's page only",
    "kpi.AlertRule": "a threshold per metric: the same for every unit; each unit's part is an Alert",
}

# The permission matrices, one per app: test module → the name of its list (or dict) of models.
MATRICES = {
    "tests.dxboard.accounts.test_permissions": "MATRIX",
    "tests.dxboard.feedback.test_permissions": "MODELS",
    "tests.dxboard.kpi.test_permissions": "MODELS",
    "tests.dxboard.steering.test_permissions": "MODELS",
    "tests.dxboard.itprojects.test_permissions": "MODELS",
}


def our_models():
    return [m for m in apps.get_models() if m.__module__.startswith("dxboard.") and not m._meta.abstract]


def in_matrices() -> set:
    covered = set()
    for module, name in MATRICES.items():
        covered |= set(getattr(importlib.import_module(module), name))
    return covered


def test_every_model_is_in_a_permission_matrix_or_carries_no_unit_data():
    covered = in_matrices()
    missing = [m._meta.label for m in our_models() if m not in covered and m._meta.label not in NO_UNIT_DATA]
    assert not missing, f"models in no permission matrix and not listed in NO_UNIT_DATA: {missing}"
    stale = set(NO_UNIT_DATA) - {m._meta.label for m in our_models()}
    assert not stale, f"NO_UNIT_DATA names models that do not exist: {stale}"


def test_the_matrices_cover_only_models_that_belong_to_a_unit_and_the_list_only_those_that_do_not():
    for model in in_matrices():
        assert getattr(model, "unit_path", None) and hasattr(model.objects, "restrict"), model
        assert model._meta.label not in NO_UNIT_DATA, model
    public_with_path = {"units.Unit", "units.UnitSuccession"}  # the map is public (test below)
    for model in our_models():
        if model._meta.label in NO_UNIT_DATA and model._meta.label not in public_with_path:
            assert not getattr(model, "unit_path", None), f"{model._meta.label} belongs to a unit: test it"


def test_the_map_of_units_is_public_indeed(client, tree):
    assert client.get(f"/units/{tree['B'].code}/").status_code == 200
    assert client.get("/api/v1/units/").status_code == 200


# -- every object URL: another unit's object is 404 ----------------------------------------------------
def routes():
    """(route, name) of every URL pattern that takes an argument, once per view (format suffixes left out)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p

    found = {}
    for route, pattern in walk(get_resolver().url_patterns):
        if ("<" in route or "(?P" in route) and "(?P<format>" not in route:
            found[route] = pattern
    return found


# Routes whose object belongs to no unit, with why (their pages are tested in the apps' own tests).
NOT_PER_UNIT = {
    "accounts/tokens/<int:pk>/revoke/": "a person's own API token: another's answers 404 to everyone, "
                                        "administrators too (test_tokens)",
    "jobs/<int:pk>/": "a queued job's state: who queued it and the administrators (jobs/test_state.py)",
    "units/<str:code>/": "the public map of units",
    "index/frameworks/<int:pk>/": "a framework: the method, the same for everyone",
    "index/frameworks/<int:pk>/map/": "a framework's diagram",
    "index/campaigns/<int:pk>/grades/": "a campaign (office page: admin only, test_views)",
    "index/campaigns/<int:pk>/": "a campaign: each unit sees its own submissions on it",
    "index/campaigns/<int:pk>/action/": "a campaign's workflow (admin only, test_workflow)",
    "index/campaigns/<int:pk>/results/": "all units' results (staff until published, test_reports)",
    "index/campaigns/<int:pk>/audit/": "statistical audit of all units (staff, test_views)",
    "index/campaigns/<int:pk>/export/results.xlsx": "all units' results (staff, test_excel)",
    "index/campaigns/<int:pk>/export/inputs.xlsx": "all units' inputs (staff, test_excel)",
    "index/campaigns/<int:pk>/charts/ranking.svg": "charts of all units (published or staff, test_reports)",
    "index/campaigns/<int:pk>/charts/radar.svg": "charts of all units (published or staff, test_reports)",
    "index/campaigns/<int:pk>/charts/heatmap.svg": "charts of all units (published or staff, test_reports)",
    "index/campaigns/<int:pk>/charts/series.svg": "charts of all units (published or staff, test_reports)",
    "index/campaigns/<int:pk>/charts/map.svg": "charts of all units (published or staff, test_reports)",
    "index/campaigns/<int:pk>/report.docx": "the province's report (staff, test_reports)",
    "index/campaigns/<int:pk>/report.pdf": "the province's report (staff, test_reports)",
    "index/campaigns/<int:pk>/units/<str:code>/": "a unit's scorecard in a result (published or staff)",
    "itprojects/reviews/<int:year>/": "a review round (office page, test_permissions)",
    "itprojects/reviews/<int:year>/close/": "a review round (office action, test_permissions)",
    "itprojects/reviews/<int:year>/add-missing/": "a review round (office action, test_views)",
    "steering/plans/<int:pk>/": "a plan of the province (the office's; units see their tasks)",
    "steering/plans/<int:pk>/tasks/new/": "adding a task to a plan (office only, test_views)",
    "steering/plans/<int:pk>/edit/": "correcting a plan of the province (office only, test_corrections)",
    "feedback/r/<str:code>/": "the citizen's own tracking page, by code and key (public answers only)",
    "feedback/r/<str:code>/rate/": "the citizen rates the answer (by code and key)",
    "feedback/r/<str:code>/reopen/": "the citizen reopens (by code and key)",
    "feedback/r/<str:code>/forget/": "the citizen asks to be forgotten (by code and key)",
    "feedback/r/<str:code>/photos/<uuid:uid>/": "the reporter's own photos and the answer's, by code and key cookie",
    "feedback/photos/<uuid:uid>/": "photos of public reports are public (Open311 media_url); hidden and sensitive "
                                   "ones 404 (test_views)",
    "feedback/office/categories/<int:pk>/": "a category (intake office settings)",
    "kpi/metrics/<str:code>/": "a metric: all units' figures the reader may see",
    "kpi/metrics/<str:code>/edit/": "a metric's definition (office, test_admin_pages)",
    "kpi/metrics/<str:code>/template.xlsx": "a metric's upload template (the reader's own units)",
    "kpi/metrics/<str:code>/export.xlsx": "a metric's page as a workbook: the reader's own units (test_exports)",
    "kpi/metrics/<str:code>/export.docx": "a metric's page as a report: the reader's own units (test_exports)",
    "kpi/endpoints/<int:pk>/edit/": "a pull endpoint: office only, others 404 (test_office_config)",
    "kpi/alert-rules/<int:pk>/edit/": "an alert rule: office only, others 404 (test_office_config)",
    "kpi/sources/<int:pk>/edit/": "a source system: office only, others 404 (test_office_config)",
    "workdays/<int:pk>/edit/": "a day of the national calendar: office only, others 404 (workdays/test_office_page)",
    "workdays/<int:pk>/delete/": "a day of the national calendar: office only, others 404 (workdays/test_office_page)",
    "workdays/<int:year>.xlsx": "a year of the national calendar: office only, others 404 (workdays/test_office_page)",
    "portal/<int:pk>/": "published results: public",
    "portal/<int:pk>/method/": "published method: public",
    "portal/<int:pk>/<str:code>/": "a published scorecard: public",
    "api/v1/^units/(?P<code>[^/]+)/$": "the public map of units",
    "api/v1/^index/results/(?P<pk>[^/.]+)/$": "published results: public",
    "api/v1/^itprojects/review-campaigns/(?P<pk>[^/.]+)/$": "a review round: name and deadline",
}


@pytest.fixture
def objects_of_b(tree, personas, django_user_model, make_report, settings, tmp_path):
    """One object of every unit-owned model, belonging to commune B."""
    from django.core.files.base import ContentFile

    from dxboard.feedback import actions as feedback
    from dxboard.itprojects.models import DataSet, Link, Review, ReviewCampaign
    from dxboard.steering.models import (
        CompletionDeclaration,
        ExtensionRequest,
        Plan,
        ProgressReport,
        ReportAttachment,
        Task,
    )
    from tests.dxboard.accounts.test_permissions import _index_objects
    from tests.dxboard.feedback.conftest import photo
    from tests.dxboard.itprojects.conftest import make_system

    settings.MEDIA_ROOT = tmp_path / "media"
    someone = django_user_model.objects.create_user("someone", password="x")
    b = tree["B"]
    made = {f"index.{k}": v for k, v in _index_objects(b, someone).items()}
    d = datetime.date
    plan = Plan.objects.create(unit=tree["P"], title="Plan", year=2025, start=d(2025, 1, 1), end=d(2025, 12, 31))
    task = Task.objects.create(plan=plan, title="T B", lead_unit=b, deadline=d(2025, 6, 30),
                               original_deadline=d(2025, 6, 30), effective_deadline=d(2025, 6, 30))
    report = ProgressReport.objects.create(task=task, unit=b, percent=10, text="x", reported_by=someone)
    made.update({
        "steering.Task": task, "steering.ProgressReport": report,
        "steering.ReportAttachment": ReportAttachment.objects.create(
            report=report, file=ContentFile(b"%PDF-1.4", name="a.pdf"), original_name="a.pdf",
            content_type="application/pdf", size=8, sha256="0"),
        "steering.ExtensionRequest": ExtensionRequest.objects.create(
            task=task, requested_deadline=d(2025, 7, 30), old_deadline=d(2025, 6, 30), reason="r",
            requested_by=someone),
        "steering.CompletionDeclaration": CompletionDeclaration.objects.create(task=task, declared_on=d(2025, 6, 1),
                                                                               declared_by=someone)})
    system = make_system(b, "sys-b")
    campaign = ReviewCampaign.objects.create(year=2026, name="R", deadline=d(2026, 12, 1))
    made.update({"itprojects.System": system, "itprojects.DataSet": DataSet.objects.create(system=system, name="d"),
                 "itprojects.Link": Link.objects.create(source=system, target_name="CSDL", dataset="x",
                                                        channel="ndxp"),
                 "itprojects.Review": Review.objects.create(campaign=campaign, system=system)})
    citizen = make_report("road")
    feedback.route(citizen, b, acting_user=personas["admin"])
    feedback.answer(citizen, acting_user=personas["officer_b"], text="ok", evidence=[photo("after.jpg")])
    made["feedback.Report"] = citizen
    made["unit"] = b
    return made


# route → how to fill its arguments from objects of commune B
PER_UNIT = {
    "units/<str:code>/members/": lambda o: {"code": o["unit"].code},
    "index/submissions/<int:pk>/": lambda o: {"pk": o["index.Submission"].pk},
    "index/submissions/<int:pk>/action/": lambda o: {"pk": o["index.Submission"].pk},
    "index/submissions/<int:pk>/excel/": lambda o: {"pk": o["index.Submission"].pk},
    "index/submissions/<int:pk>/excel/upload/": lambda o: {"pk": o["index.Submission"].pk},
    "index/submissions/<int:pk>/excel/apply/": lambda o: {"pk": o["index.Submission"].pk},
    "index/answers/<int:pk>/": lambda o: {"pk": o["index.Answer"].pk},
    "index/answers/<int:pk>/review/": lambda o: {"pk": o["index.Answer"].pk},
    "index/answers/<int:pk>/evidence/": lambda o: {"pk": o["index.Answer"].pk},
    "index/answers/<int:pk>/appeal/": lambda o: {"pk": o["index.Answer"].pk},
    "index/appeals/<int:pk>/decide/": lambda o: {"pk": o["index.Appeal"].pk},
    "index/evidence/<int:pk>/": lambda o: {"pk": o["index.Evidence"].pk},
    "index/evidence/<int:pk>/remove/": lambda o: {"pk": o["index.Evidence"].pk},
    "itprojects/systems/<int:pk>/": lambda o: {"pk": o["itprojects.System"].pk},
    "itprojects/systems/<int:pk>/edit/": lambda o: {"pk": o["itprojects.System"].pk},
    "itprojects/systems/<int:pk>/usage/": lambda o: {"pk": o["itprojects.System"].pk},
    "itprojects/systems/<int:pk>/delete/": lambda o: {"pk": o["itprojects.System"].pk},
    "itprojects/systems/<int:pk>/datasets/": lambda o: {"pk": o["itprojects.System"].pk},
    "itprojects/systems/<int:pk>/links/": lambda o: {"pk": o["itprojects.System"].pk},
    "itprojects/datasets/<int:pk>/remove/": lambda o: {"pk": o["itprojects.DataSet"].pk},
    "itprojects/links/<int:pk>/remove/": lambda o: {"pk": o["itprojects.Link"].pk},
    "itprojects/review/<int:pk>/": lambda o: {"pk": o["itprojects.Review"].pk},
    "itprojects/review/<int:pk>/steering-task/": lambda o: {"pk": o["itprojects.Review"].pk},
    "steering/tasks/<int:pk>/": lambda o: {"pk": o["steering.Task"].pk},
    "steering/tasks/<int:pk>/progress/": lambda o: {"pk": o["steering.Task"].pk},
    "steering/tasks/<int:pk>/extension/": lambda o: {"pk": o["steering.Task"].pk},
    "steering/tasks/<int:pk>/declare/": lambda o: {"pk": o["steering.Task"].pk},
    "steering/tasks/<int:pk>/edit/": lambda o: {"pk": o["steering.Task"].pk},
    "steering/tasks/<int:pk>/delete/": lambda o: {"pk": o["steering.Task"].pk},
    "steering/extensions/<int:pk>/decide/": lambda o: {"pk": o["steering.ExtensionRequest"].pk},
    "steering/declarations/<int:pk>/decide/": lambda o: {"pk": o["steering.CompletionDeclaration"].pk},
    "steering/attachments/<int:pk>/": lambda o: {"pk": o["steering.ReportAttachment"].pk},
    "feedback/office/<int:pk>/": lambda o: {"pk": o["feedback.Report"].pk},
    "feedback/office/<int:pk>/action/": lambda o: {"pk": o["feedback.Report"].pk},
    "kpi/units/<str:code>/": lambda o: {"code": o["unit"].code},
    "api/v1/^index/submissions/(?P<pk>[^/.]+)/$": lambda o: {"pk": o["index.Submission"].pk},
    "api/v1/^index/answers/(?P<pk>[^/.]+)/$": lambda o: {"pk": o["index.Answer"].pk},
    "api/v1/^itprojects/systems/(?P<pk>[^/.]+)/$": lambda o: {"pk": o["itprojects.System"].pk},
    "api/v1/^itprojects/systems/(?P<pk>[^/.]+)/usage/$": lambda o: {"pk": o["itprojects.System"].pk},
    "api/v1/^itprojects/links/(?P<pk>[^/.]+)/$": lambda o: {"pk": o["itprojects.Link"].pk},
    "api/v1/^itprojects/reviews/(?P<pk>[^/.]+)/$": lambda o: {"pk": o["itprojects.Review"].pk},
    "api/v1/^steering/tasks/(?P<pk>[0-9]+)/$": lambda o: {"pk": o["steering.Task"].pk},
    "api/v1/^steering/tasks/(?P<pk>[0-9]+)/declare/$": lambda o: {"pk": o["steering.Task"].pk},
    "api/v1/^steering/tasks/(?P<pk>[0-9]+)/extension/$": lambda o: {"pk": o["steering.Task"].pk},
    "api/v1/^steering/tasks/(?P<pk>[0-9]+)/progress/$": lambda o: {"pk": o["steering.Task"].pk},
    "api/v1/^steering/extensions/(?P<pk>[0-9]+)/$": lambda o: {"pk": o["steering.ExtensionRequest"].pk},
    "api/v1/^steering/extensions/(?P<pk>[0-9]+)/decide/$": lambda o: {"pk": o["steering.ExtensionRequest"].pk},
    "api/v1/^steering/declarations/(?P<pk>[0-9]+)/decide/$":
        lambda o: {"pk": o["steering.CompletionDeclaration"].pk},
    "api/v1/^feedback/reports/(?P<pk>[^/.]+)/$": lambda o: {"pk": o["feedback.Report"].pk},
}


def fill(route: str, values: dict) -> str:
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\Z", "")


def test_every_object_route_is_listed():
    walked = {r for r in routes() if not r.startswith("open311/")}  # Open311: public by design (test_open311)
    unlisted = walked - set(PER_UNIT) - set(NOT_PER_UNIT)
    assert not unlisted, f"routes in neither PER_UNIT nor NOT_PER_UNIT: {sorted(unlisted)}"
    assert not (set(PER_UNIT) | set(NOT_PER_UNIT)) - walked, "listed routes that do not exist"


def test_another_units_object_is_404_on_every_page_and_api(objects_of_b, login, personas):
    officer_a = login(personas["officer_a"])
    wrong = {}
    for route, args in PER_UNIT.items():
        url = fill(route, args(objects_of_b))
        got = (officer_a.get(url).status_code, officer_a.post(url, {}).status_code)
        if got == (405, 405):  # an API action served by PATCH
            got = (officer_a.patch(url, {}, content_type="application/json").status_code,)
        # 404 for what exists elsewhere; 405 only where the method is not served at all.
        if not all(code in (404, 405) for code in got) or 404 not in got:
            wrong[url] = got
    assert not wrong, f"another unit's object answered (GET, POST) other than 404: {wrong}"
    admin = login(personas["admin"])
    missing = [fill(r, a(objects_of_b)) for r, a in PER_UNIT.items()
               if "remove" not in r and "delete" not in r
               and admin.get(fill(r, a(objects_of_b))).status_code == 404]
    assert not missing, f"the object is not there for the administrator either (a wrong URL?): {missing}"
