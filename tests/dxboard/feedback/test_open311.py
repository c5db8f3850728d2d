"""Open311 GeoReport v2, field by field, in JSON and XML."""

import datetime
import json
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from dxboard.feedback import actions
from dxboard.feedback.models import Report

from .conftest import jpeg_with_gps

BASE = "/open311/v2/"
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]


def get(client, path, fmt, **params):
    response = client.get(f"{BASE}{path}.{fmt}", params)
    return response, parse(response, fmt)


def parse(response, fmt):
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return json.loads(response.content)
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 — our own response


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery(client, db, fmt):
    response, data = get(client, "discovery", fmt)
    assert response.status_code == 200
    if fmt == "json":
        endpoint = data["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"].endswith("/open311/v2/") and endpoint["formats"] == ["text/xml", "application/json"]
        assert "+07:00" in data["changeset"]
    else:
        assert data.tag == "discovery"
        assert data.find("endpoints/endpoint/specification").text == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in data.findall("endpoints/endpoint/formats/format")] == ["text/xml",
                                                                                     "application/json"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services(client, fb, fmt):
    response, data = get(client, "services", fmt)
    assert response.status_code == 200
    if fmt == "json":
        road = next(s for s in data if s["service_code"] == "road")
        assert road == {"service_code": "road", "service_name": "Đường hư hỏng", "description": "Ổ gà, sụt lún",
                        "metadata": True, "type": "realtime", "keywords": "", "group": "",
                        "jurisdiction_id": "bacninh.gov.vn"}
        assert next(s for s in data if s["service_code"] == "procedure")["metadata"] is False
    else:
        assert data.tag == "services"
        road = next(s for s in data.findall("service") if s.find("service_code").text == "road")
        assert road.find("metadata").text == "true" and road.find("type").text == "realtime"
        assert road.find("service_name").text == "Đường hư hỏng"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition(client, fb, fmt):
    response, data = get(client, "services/road", fmt)
    assert response.status_code == 200
    if fmt == "json":
        assert data["service_code"] == "road"
        attr = data["attributes"][0]
        assert attr["code"] == "size" and attr["datatype"] == "singlevaluelist" and attr["required"] is True
        assert attr["variable"] is True and attr["order"] == 1
        assert attr["values"] == [{"key": "small", "name": "Nhỏ"}, {"key": "large", "name": "Lớn"}]
    else:
        assert data.tag == "service_definition"
        attr = data.find("attributes/attribute")
        assert attr.find("code").text == "size" and attr.find("required").text == "true"
        assert [v.find("key").text for v in attr.findall("values/value")] == ["small", "large"]
    response, _ = get(client, "services/nope", fmt)
    assert response.status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_get_fields(client, answered, fmt):
    response, data = get(client, "requests", fmt)
    assert response.status_code == 200
    if fmt == "json":
        row = data[0]
        assert list(row) == REQUEST_FIELDS
        assert row["service_request_id"] == answered.code and isinstance(row["service_request_id"], str)
        assert row["status"] == "closed" and row["status_notes"] == "Đã vá ổ gà"
        assert row["service_code"] == "road" and row["agency_responsible"] == "Phường Bắc Giang"
        assert row["requested_datetime"].endswith("+07:00")
        assert datetime.datetime.fromisoformat(row["requested_datetime"]).tzinfo is not None
        assert row["lat"] == 21.2731 and row["long"] == 106.1946
        assert row["address"] == "Số 1 Lý Thái Tổ" and row["address_id"] == "07210"
        assert "/feedback/photos/" in row["media_url"]
    else:
        assert data.tag == "service_requests"
        row = data.find("request")
        assert [child.tag for child in row] == REQUEST_FIELDS
        assert row.find("service_request_id").text == answered.code
        assert row.find("status").text == "closed" and row.find("lat").text == "21.2731"
        assert row.find("requested_datetime").text.endswith("+07:00")


def test_media_url_serves_the_reencoded_photo(client, answered):
    _, data = get(client, "requests", "json")
    body = b"".join(client.get(data[0]["media_url"]).streaming_content)
    assert body.startswith(b"\xff\xd8") and b"PhoneMaker" not in body and body != jpeg_with_gps()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_get_filters(client, answered, make_report, fmt):
    other = make_report("procedure", accepted=True)
    ids = lambda d: [r["service_request_id"] for r in d] if fmt == "json" else [  # noqa: E731
        r.find("service_request_id").text for r in d.findall("request")]
    _, data = get(client, "requests", fmt, service_request_id=other.code)
    assert ids(data) == [other.code]
    _, data = get(client, "requests", fmt, service_code="road")
    assert ids(data) == [answered.code]
    _, data = get(client, "requests", fmt, status="open")
    assert ids(data) == [other.code]
    _, data = get(client, "requests", fmt, status="closed")
    assert ids(data) == [answered.code]
    now = timezone.localtime()
    _, data = get(client, "requests", fmt, start_date=(now - datetime.timedelta(days=1)).isoformat(),
                  end_date=(now + datetime.timedelta(days=1)).isoformat())
    assert set(ids(data)) == {answered.code, other.code}
    _, data = get(client, "requests", fmt, end_date=(now - datetime.timedelta(days=2)).isoformat())
    assert ids(data) == []
    response, data = get(client, "requests", fmt, start_date="2026-01-01T00:00:00+07:00",
                         end_date="2026-06-01T00:00:00+07:00")
    assert response.status_code == 400
    if fmt == "json":
        assert data[0]["code"] == 400 and "tối đa 90 ngày" in data[0]["description"]
    else:
        assert data.tag == "errors" and data.find("error/code").text == "400"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_detail_and_404(client, answered, fmt):
    response, data = get(client, f"requests/{answered.code}", fmt)
    assert response.status_code == 200
    if fmt == "json":
        assert len(data) == 1 and data[0]["service_request_id"] == answered.code
    else:
        assert data.find("request/service_request_id").text == answered.code
    response, data = get(client, "requests/PAKN.19990101.0001", fmt)
    assert response.status_code == 404
    if fmt == "json":
        assert data[0]["code"] == 404
    else:
        assert data.find("error/code").text == "404"


def post(client, fmt, **data):
    return client.post(f"{BASE}requests.{fmt}", data)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_needs_a_valid_key(client, fb, fmt):
    for params in ({}, {"api_key": "wrong"}):
        response = post(client, fmt, service_code="procedure", description="x", address_string="Số 2", **params)
        assert response.status_code == 403
        data = parse(response, fmt)
        if fmt == "json":
            assert data[0]["code"] == 403 and data[0]["description"]
        else:
            assert data.tag == "errors" and data.find("error/code").text == "403"
    assert Report.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_a_request(client, fb, api_key, fmt, tree):
    response = post(client, fmt, api_key=api_key, service_code="procedure", description="Hồ sơ bị trả lại",
                    address_id="07210", first_name="Lan", last_name="Trần", email="lan@example.org",
                    phone="0987", device_id="dev-9")
    assert response.status_code == 200, response.content
    data = parse(response, fmt)
    code = data[0]["service_request_id"] if fmt == "json" else data.find("request/service_request_id").text
    report = Report.objects.get(code=code)
    assert report.source == "open311" and report.commune == tree["A"]
    assert report.personal.name == "Lan Trần" and report.personal.email == "lan@example.org"
    token = data[0]["token"] if fmt == "json" else data.find("request/token").text
    response, tok = get(client, f"tokens/{token}", fmt)
    assert response.status_code == 200
    if fmt == "json":
        assert tok == [{"service_request_id": code, "token": token}]
    else:
        assert tok.find("request/service_request_id").text == code
    # never any personal data on the way out
    _, rows = get(client, f"requests/{code}", "json")
    assert "Lan" not in json.dumps(rows, ensure_ascii=False) and "lan@example.org" not in json.dumps(rows)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_validation(client, fb, api_key, fmt):
    # (parameters, status, the error in Vietnamese (by default), in English (Accept-Language: en))
    cases = [
        ({"service_code": "procedure", "description": "x"}, 400, "Cần có vị trí", "a location is required"),
        ({"service_code": "procedure", "description": "x" * 4001, "address_string": "a"}, 400,
         "dài quá 4000 ký tự", "longer than 4000 characters"),
        ({"service_code": "nope", "description": "x", "address_string": "a"}, 404,
         "Không có service_code nope", "service_code nope not found"),
        ({"service_code": "road", "description": "x", "lat": "21.1", "long": "106.1"}, 400,
         "Cần có attribute[size]", "attribute[size] is required"),
        ({"service_code": "road", "description": "x", "lat": "21.1", "long": "106.1", "attribute[size]": "huge"},
         400, "attribute[size] có giá trị không có trong danh sách", "attribute[size] has a value not in the list"),
        ({"service_code": "road", "description": "x", "lat": "21.1", "long": "106.1", "attribute[size]": "small"},
         400, "ít nhất một ảnh", "at least one photo"),
        ({"service_code": "procedure", "description": "x", "address_id": "99999"}, 400,
         "address_id 99999 không phải mã xã/phường", "address_id 99999 is not a known commune code"),
    ]
    for params, status, vietnamese, english in cases:
        for language, text in (("vi", vietnamese), ("en", english)):
            response = client.post(f"{BASE}requests.{fmt}", {"api_key": api_key, **params},
                                   headers={"Accept-Language": language})
            assert response.status_code == status, (params, response.content)
            data = parse(response, fmt)
            description = data[0]["description"] if fmt == "json" else data.find("error/description").text
            assert text in description, (language, description)
        data = parse(post(client, fmt, api_key=api_key, **params), fmt)  # no language said: Vietnamese
        assert vietnamese in (data[0]["description"] if fmt == "json" else data.find("error/description").text)


def test_post_with_media_and_attribute(client, fb, api_key):
    from django.core.files.uploadedfile import SimpleUploadedFile

    media = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(f"{BASE}requests.json", {"api_key": api_key, "service_code": "road",
                                                   "description": "Ổ gà lớn", "lat": "21.18", "long": "106.07",
                                                   "attribute[size]": "large", "media": media})
    assert response.status_code == 200, response.content
    report = Report.objects.get(code=json.loads(response.content)[0]["service_request_id"])
    assert report.attributes == {"size": "large"} and report.photos.count() == 1
    assert b"PhoneMaker" not in report.photos.get().file.read()


def test_post_idempotency_header(client, fb, api_key):
    params = {"api_key": api_key, "service_code": "procedure", "description": "x", "address_string": "a"}
    r1 = client.post(f"{BASE}requests.json", params, headers={"Idempotency-Key": "k1"})
    r2 = client.post(f"{BASE}requests.json", params, headers={"Idempotency-Key": "k1"})
    assert json.loads(r1.content) == json.loads(r2.content) and Report.objects.count() == 1
    r3 = client.post(f"{BASE}requests.json", params | {"description": "y"}, headers={"Idempotency-Key": "k1"})
    assert r3.status_code == 409


def test_sensitive_unmoderated_and_hidden_reports_are_left_out(client, make_report, personas):
    sensitive = make_report("violence", latitude=21.123456, longitude=106.654321, address="Nhà số 5 ngõ 7",
                            accepted=True)  # even accepted: a sensitive report is the handling office's only
    waiting = make_report("procedure")
    hidden = make_report("procedure", accepted=True)
    actions.hide(hidden, acting_user=personas["admin"], reason="spam")
    public = make_report("procedure", accepted=True)
    _, data = get(client, "requests", "json")
    assert [row["service_request_id"] for row in data] == [public.code]
    for r in (sensitive, waiting, hidden):
        response, _ = get(client, f"requests/{r.code}", "json")
        assert response.status_code == 404


@pytest.mark.parametrize(("path", "fmt"), [("services/a%0Ab.json", "json"), ("requests/%C2%84.xml", "xml"),
                                           ("nothing-here", "json")])
def test_a_path_the_api_does_not_have_is_a_georeport_error_not_an_html_page(client, db, path, fmt):
    response = client.get(BASE + path)
    assert response.status_code == 404
    data = parse(response, fmt)
    if fmt == "json":
        assert data == [{"code": 404, "description": "Không tìm thấy"}]
        english = parse(client.get(BASE + path, headers={"Accept-Language": "en"}), fmt)
        assert english == [{"code": 404, "description": "not found"}]
    else:
        assert data.tag == "errors" and data.find("error/code").text == "404"


def test_public_list_cache_in_production(client, answered, make_report, settings):
    """With OPEN311_LIST_CACHE_SECONDS (production: 30), the public list is served from the cache until it
    expires; lookups by id are never cached. Off in the other settings (as in every other test here)."""
    from django.core.cache import cache

    cache.clear()
    settings.OPEN311_LIST_CACHE_SECONDS = 30
    first, data = get(client, "requests", "json")
    assert first["Cache-Control"] == "public, max-age=30" and len(data) == 1
    newer = make_report(category="procedure", accepted=True)
    again, data = get(client, "requests", "json")
    assert again.content == first.content  # the cached list: the new report shows once it expires
    _, data = get(client, "requests", "json", service_request_id=newer.code)
    assert [r["service_request_id"] for r in data] == [newer.code]  # by id: always fresh
    cache.clear()  # as if the 30 s had passed
    _, data = get(client, "requests", "json")
    assert newer.code in [r["service_request_id"] for r in data]
    settings.OPEN311_LIST_CACHE_SECONDS = 0
    assert "Cache-Control" not in client.get(f"{BASE}requests.json")


def test_post_without_device_id_is_limited_per_api_key(client, fb, settings):
    """A relay that sends no device_id had no limit at all; now its api_key has an hourly quota."""
    settings.FEEDBACK_RATE_PER_API_CLIENT = 3
    _, key = actions.create_api_client("Hue-S bridge", acting_user=None)
    _, other = actions.create_api_client("Zalo mini app", acting_user=None)
    params = {"service_code": "procedure", "description": "Hồ sơ chậm", "address_string": "Số 1 Lý Thái Tổ"}
    for i in range(3):
        assert client.post(f"{BASE}requests.json", {"api_key": key, **params},
                           headers={"Idempotency-Key": f"k{i}"}).status_code == 200
    # counted once the report is stored in its transaction: the refusal rolls back the photo it wrote
    from django.core.files.uploadedfile import SimpleUploadedFile

    media = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    refused = client.post(f"{BASE}requests.json", {"api_key": key, "media": media, **params},
                          headers={"Idempotency-Key": "k9"})
    assert refused.status_code == 429
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert "Ứng dụng này" in json.loads(refused.content)[0]["description"]
    # another client has its own quota; a retry of a stored request is not refused
    assert client.post(f"{BASE}requests.json", {"api_key": other, **params}).status_code == 200
    assert client.post(f"{BASE}requests.json", {"api_key": key, **params},
                       headers={"Idempotency-Key": "k0"}).status_code == 200
    assert Report.objects.count() == 4
