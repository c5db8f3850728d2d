"""Every feedback model that belongs to a unit, for every persona: who sees a report routed to commune A."""

import pytest

from dxboard.feedback import actions
from dxboard.feedback.models import Answer, Assignment, Extension, PersonalData, Photo, Report, ReportEvent

from .conftest import photo

MODELS = [Report, PersonalData, Photo, Assignment, ReportEvent, Answer, Extension]
# persona → (sees A's objects, may change them)
EXPECTED = {"admin": (True, True), "officer_a": (True, True), "officer_b": (False, False),
            "dept_officer": (False, False), "reviewer": (False, False), "leader": (True, False),
            "anonymous": (False, False)}


@pytest.fixture
def routed(make_report, personas, tree):
    r = make_report("road")
    actions.route(r, tree["A"], acting_user=personas["admin"])
    actions.request_extension(r, acting_user=personas["officer_a"], days=2, reason="vật tư")
    actions.answer(r, acting_user=personas["officer_a"], text="ok", evidence=[photo("after.jpg")])
    return r


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", list(EXPECTED))
def test_restrict(routed, personas, model, persona):
    user = personas[persona]
    sees, changes = EXPECTED[persona]
    assert model.objects.filter().exists()
    assert model.objects.restrict(user, "view").exists() is sees
    assert model.objects.restrict(user, "change").exists() is changes


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_only_the_intake_office_sees_every_report_and_the_reporter(make_report, personas, persona):
    make_report()  # not routed yet: belongs to no unit
    user = personas[persona]
    intake = actions.is_intake(user)
    assert intake is (persona == "admin")
    assert actions.visible_reports(user).exists() is (persona in ("admin", "leader"))
