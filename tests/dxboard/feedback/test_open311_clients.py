"""Open311 GeoReport v2 as real clients use it: the jurisdiction, input refused with the spec's error list,
paging, and extended attributes — each in JSON and XML, against the real views."""

import pytest

from dxboard.feedback.models import Report

from .test_open311 import BASE, get, parse


def errors(data, fmt) -> list[tuple[int, str]]:
    if fmt == "json":
        return [(e["code"], e["description"]) for e in data]
    assert data.tag == "errors"
    return [(int(e.find("code").text), e.find("description").text) for e in data.findall("error")]


# -- jurisdiction_id -------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_and_services_state_the_jurisdiction(client, fb, fmt, settings):
    settings.OPEN311_JURISDICTION = "bacninh.gov.vn"
    _, data = get(client, "discovery", fmt)
    _, services = get(client, "services", fmt)
    if fmt == "json":
        assert data["jurisdiction_id"] == "bacninh.gov.vn"
        assert {s["jurisdiction_id"] for s in services} == {"bacninh.gov.vn"}
    else:
        assert data.find("jurisdiction_id").text == "bacninh.gov.vn"
        assert {s.find("jurisdiction_id").text for s in services.findall("service")} == {"bacninh.gov.vn"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_another_jurisdiction_is_not_found_on_every_endpoint(client, fb, answered, api_key, fmt):
    paths = ["discovery", "services", "services/road", "requests", f"requests/{answered.code}"]
    for path in paths:
        response, data = get(client, path, fmt, jurisdiction_id="hanoi.gov.vn")
        assert response.status_code == 404, path
        [(code, text)] = errors(data, fmt)
        assert code == 404 and text.startswith("Không có jurisdiction_id hanoi.gov.vn") and "bacninh.gov.vn" in text
        # the platform's own id, or none, is served
        assert get(client, path, fmt, jurisdiction_id="bacninh.gov.vn")[0].status_code == 200, path
        assert get(client, path, fmt)[0].status_code == 200, path
    before = Report.objects.count()
    response = client.post(f"{BASE}requests.{fmt}", {"api_key": api_key, "jurisdiction_id": "hanoi.gov.vn",
                                                    "service_code": "procedure", "description": "x",
                                                    "address_string": "Số 2"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 404
    [(code, text)] = errors(parse(response, fmt), fmt)
    assert text.startswith("jurisdiction_id hanoi.gov.vn not found") and Report.objects.count() == before
    response = client.post(f"{BASE}requests.{fmt}", {"api_key": api_key, "jurisdiction_id": "bacninh.gov.vn",
                                                    "service_code": "procedure", "description": "x",
                                                    "address_string": "Số 2"})
    assert response.status_code == 200
