"""Nothing internal in public: the follow page, the public list and Open311 GET answers read reports only
through publication.publish(), which hands out the fields each model declares public."""

import pytest
from django.db import models
from django.urls import reverse

from dxboard.feedback import actions
from dxboard.feedback.models import Answer, Category, Photo, Report, ReportEvent
from dxboard.feedback.publication import watch

from .conftest import photo

# Every field that may reach a citizen or an Open311 client. Adding one is a decision: add it here.
ALLOWED = {
    "Report.code", "Report.category", "Report.description", "Report.commune", "Report.status",
    "Report.get_status_display", "Report.unit", "Report.deadline", "Report.is_open", "Report.merged_into",
    "Report.created_at", "Report.updated_at", "Report.answered_at", "Report.public_address",
    "Report.public_location", "Report.public_photos",
    "Category.code", "Category.name", "Category.name_en", "Category.description", "Category.group", "Category.keywords",
    "Category.attributes", "Category.sensitive",
    "ReportEvent.at", "ReportEvent.kind", "ReportEvent.label", "ReportEvent.unit", "ReportEvent.note",
    "Answer.text", "Answer.unit", "Answer.answered_at",
    "Photo.uid", "Photo.is_image", "Photo.is_video",
    "Unit.name", "Unit.name_en", "Unit.code",
}
ROUTING_NOTE = "Ghi chú nội bộ: ưu tiên xử lý vì có khiếu nại trước đó"


@pytest.mark.parametrize("model", [Report, ReportEvent, Answer, Category, Photo])
def test_every_typed_field_is_declared_public_or_internal(model):
    typed = {f.name for f in model._meta.get_fields()
             if isinstance(f, models.CharField | models.TextField | models.FileField)}
    public, internal = set(model.PUBLIC_FIELDS), set(model.INTERNAL_FIELDS)
    assert not public & internal
    assert typed - public - internal == set(), f"{model.__name__}: declare these public or internal"


@pytest.fixture
def answered_with_note(make_report, personas, tree):
    report = make_report("road", photos=[photo()], accepted=True)
    actions.route(report, tree["A"], acting_user=personas["admin"], note=ROUTING_NOTE)
    actions.start(report, acting_user=personas["officer_a"], note=ROUTING_NOTE + " (bắt đầu)")
    actions.answer(report, acting_user=personas["officer_a"], text="Đã vá ổ gà", evidence=[photo("after.jpg")])
    report.refresh_from_db()
    return report


def public_reads(client, report) -> dict[str, str]:
    """Every public page and Open311 GET answer showing the report: path → text."""
    follow = reverse("feedback:follow", args=[report.code])
    paths = [follow, follow + f"?k={report.access_key}", reverse("feedback:public"),
             "/open311/v2/services.json", "/open311/v2/requests.json", "/open311/v2/requests.xml",
             f"/open311/v2/requests/{report.code}.json", f"/open311/v2/requests/{report.code}.xml",
             "/open311/v2/requests.json?extensions=true", f"/open311/v2/requests/{report.code}.xml?extensions=true"]
    pages = {}
    for path in paths:
        response = client.get(path, follow=True)  # the key in ?k= is exchanged for a cookie
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    return pages


def test_only_allowed_fields_reach_public_pages_and_open311(client, answered_with_note):
    with watch() as seen:
        pages = public_reads(client, answered_with_note)
    assert seen - ALLOWED == set(), "a field not on the allow-list reached the public"
    # the gate was really used: what the pages show came through it
    assert {"Report.description", "ReportEvent.note", "Answer.text", "Photo.uid", "Category.name"} <= seen
    code = answered_with_note.code
    assert all(code in page for path, page in pages.items() if "services" not in path)


def test_an_internal_routing_note_never_reaches_the_public(client, answered_with_note, personas, login):
    pages = public_reads(client, answered_with_note)
    leaked = [path for path, page in pages.items() if "khiếu nại trước đó" in page]
    assert leaked == []
    # …while the office still reads it on the report's page
    office = login(personas["admin"]).get(reverse("feedback:office", args=[answered_with_note.pk])).content.decode()
    assert ROUTING_NOTE in office


def test_a_published_report_refuses_internal_fields(answered_with_note):
    from dxboard.feedback.publication import publish

    public = publish(answered_with_note)
    assert public.code == answered_with_note.code
    for internal in ("access_key", "hidden_reason", "address", "latitude", "events"):
        with pytest.raises(AttributeError):
            getattr(public, internal)
    event = publish(answered_with_note.events.get(kind="routed"))
    assert event.note == "" and event.unit.name
    with pytest.raises(AttributeError):
        event.internal_note  # noqa: B018 — the read is what is tested


def test_the_gate_holds_back_what_a_report_does_not_yet_let_the_public_read(make_report, personas):
    from dxboard.feedback.publication import publish

    waiting = make_report("road", description="Ổ gà chờ duyệt", address="Số 3")
    public = publish(waiting)
    assert public.description == "" and public.public_address() == "" and public.public_photos() == []
    assert public.public_location() == (None, None) and public.category.name == "Đường hư hỏng"
    mine = publish(waiting, reporter=True)  # the reporter reads their own report
    assert mine.description == "Ổ gà chờ duyệt" and len(mine.public_photos()) == 1
    actions.approve(waiting, acting_user=personas["admin"])
    assert publish(waiting).description == "Ổ gà chờ duyệt"

    sensitive = make_report("violence", description="Bạo hành", accepted=True)
    public = publish(sensitive)
    assert public.description == "" and public.commune is None and public.unit is None
    assert str(public.category) != "Bạo lực gia đình" and public.category.code == ""
    with pytest.raises(AttributeError):
        public.address  # noqa: B018 — still not public, withheld or not
