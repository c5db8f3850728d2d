"""Open311 GeoReport v2 under fuzzing: schemathesis against a small OpenAPI description of the JSON
endpoints (open311.yaml beside this file: they are not in /api/schema/), and a hypothesis target for the
POST form parser. Whatever comes in: no 5xx, every answer has the documented shape (a request row, or a
list of {code, description} errors), and a refused POST stores nothing. `make fuzz` runs more examples."""

import json
import os
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from dxboard.feedback import actions
from dxboard.feedback.models import PersonalData, Photo, Report
from tests.dxboard.feedback.conftest import jpeg_with_gps

EXAMPLES = int(os.environ.get("DXBOARD_FUZZ_EXAMPLES", "8"))
SPEC = yaml.safe_load((Path(__file__).with_name("open311.yaml")).read_text(encoding="utf-8"))
APP = get_wsgi_application()
schema = schemathesis.openapi.from_dict(SPEC)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much])


@pytest.fixture
def open311_data(make_report, personas, tree, fb):
    """Public requests of every kind the rows are built from: answered with a photo, sensitive (coarsened),
    still open; and an api_key for the POSTs."""
    answered = make_report("road", latitude=21.2731, longitude=106.1946, address="Số 1 Lý Thái Tổ")
    actions.route(answered, tree["A"], acting_user=personas["admin"])
    actions.answer(answered, acting_user=personas["officer_a"], text="Đã vá",
                   evidence=[SimpleUploadedFile("after.jpg", jpeg_with_gps(), content_type="image/jpeg")])
    make_report("violence", latitude=21.1, longitude=106.1)
    make_report("procedure", address="Số 2")
    _, key = actions.create_api_client("fuzz", acting_user=None)
    return key


@schema.parametrize()
@FUZZ
def test_open311_conforms_and_never_errors(case, open311_data):
    if case.method == "POST" and isinstance(case.body, dict):
        case.body["api_key"] = open311_data  # past the key check, into the parser (a bad key is one 403)
    # Every status the endpoints answer is in the description, so status-code conformance is checked too.
    case.call_and_validate(app=APP, excluded_checks=[checks.negative_data_rejection, checks.positive_data_acceptance,
                                                     checks.use_after_free, checks.ensure_resource_availability,
                                                     checks.missing_required_header,
                                                     checks.unsupported_method])


# -- the POST form parser, field by field ---------------------------------------------------------------
def _text(*specials):
    return st.one_of(st.sampled_from(["", " ", *specials]), st.text(max_size=40))


NUMBERS = ["21.27", "106.19", "-91", "1e309", "nan", "inf", "0x10", "21,27", "١٢", " 21 "]
form_fields = st.fixed_dictionaries({}, optional={
    "service_code": _text("road", "procedure", "violence", "nope", "../road"),
    "lat": _text(*NUMBERS), "long": _text(*NUMBERS),
    "address_string": _text("Số 1 Lý Thái Tổ"), "address_id": _text("07210", "09187", "24", "07201-2025"),
    "description": st.one_of(st.text(max_size=60), st.just("x" * 4001), st.just("\x00 nul")),
    "first_name": _text("Nguyễn"), "last_name": _text("An"), "phone": _text("0912345678", "+84 912"),
    "email": _text("an@example.org", "not-an-email", "a@" + "b" * 300),
    "device_id": _text("d1"),
    "attribute[size]": st.one_of(_text("small", "large"), st.lists(st.sampled_from(["small", "large", "huge"]),
                                                                   max_size=3)),
})
media = st.lists(st.sampled_from(["jpeg", "gps", "html", "empty", "php"]), max_size=2)


def _media_file(kind: str, n: int):
    data = {"jpeg": jpeg_with_gps(), "gps": jpeg_with_gps((1, 2, 3)), "html": b"<html><script>x</script>",
            "empty": b"", "php": jpeg_with_gps()}[kind]
    return SimpleUploadedFile(f"m{n}.jpg.php" if kind == "php" else f"m{n}.jpg", data, content_type="image/jpeg")


@FUZZ
@given(fields=form_fields, files=media, fmt=st.sampled_from(["json", "xml"]))
@example(fields={"service_code": "road", "lat": "21.27", "long": "106.19", "attribute[size]": "small",
                 "description": "Ổ gà", "first_name": "An", "email": "an@example.org"}, files=["gps"], fmt="json")
@example(fields={"service_code": "procedure", "address_string": "Số 2", "description": "Hồ sơ"}, files=[], fmt="xml")
def test_open311_post_parser_answers_clearly(client, open311_data, fields, files, fmt):
    before = (Report.objects.count(), PersonalData.objects.count(), Photo.objects.count())
    data = {"api_key": open311_data, **fields}
    if files:
        data["media"] = [_media_file(kind, n) for n, kind in enumerate(files)]
    response = client.post(f"/open311/v2/requests.{fmt}", data)
    assert response.status_code in (200, 400, 404, 409, 429), response.content[:300]
    if fmt == "xml":
        assert response["Content-Type"].startswith("text/xml")
        assert b"<service_requests>" in response.content or b"<errors>" in response.content
        return
    body = json.loads(response.content)
    if response.status_code == 200:
        assert set(body[0]) == {"service_request_id", "token", "service_notice", "account_id"}
        report = Report.objects.get(code=body[0]["service_request_id"])
        for photo in report.photos.all():  # whatever was accepted was re-encoded: no EXIF maker, no HTML
            content = photo.file.read()
            assert b"PhoneMaker" not in content and b"<script>" not in content
    else:
        assert body[0]["code"] == response.status_code and body[0]["description"].strip()
        assert (Report.objects.count(), PersonalData.objects.count(), Photo.objects.count()) == before
