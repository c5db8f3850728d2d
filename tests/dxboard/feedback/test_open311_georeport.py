"""The `georeport` client from PyPI, unmodified, against a real HTTP server: what an outside app sees.

georeport 0.3.1 reads (services, a service definition, the request list, one request) but has no call that
POSTs a request: the test submits it with `requests`, the library the client itself uses, the way the spec's
form-encoded POST is made, and then finds it through the client.
"""

import pytest
import requests
from georeport import GeoReport

from dxboard.feedback import actions
from dxboard.feedback.models import Category, ConsentVersion, Report


@pytest.fixture
def catalogue(tree):
    ConsentVersion.objects.create(version="2025.1", text="Đồng ý", text_en="I agree")
    light = Category.objects.create(code="light", name="Đèn đường hỏng", description="Đèn không sáng",
                                    on_site=False, premoderated=False,
                                    attributes=[{"code": "pole", "datatype": "string", "required": False,
                                                 "description": "Số cột"}])
    moderated = Category.objects.create(code="noise", name="Tiếng ồn", on_site=False, premoderated=True)
    return {"light": light, "noise": moderated}


def submit(live_server, key, code, description):
    response = requests.post(f"{live_server.url}/open311/v2/requests.json", timeout=10, data={
        "api_key": key, "service_code": code, "description": description, "address_string": "Số 1 Lý Thái Tổ",
        "lat": "21.2731", "long": "106.1946", "attribute[pole]": "17"})
    assert response.status_code == 200, response.content
    return response.json()[0]["service_request_id"]


def as_list(value):
    return value if isinstance(value, list) else [value]  # xmltodict: one element is a dict, not a list


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_what_we_serve(live_server, catalogue, fmt, settings):
    _client, key = actions.create_api_client("Hue-S", acting_user=None)
    geo = GeoReport(f"{live_server.url}/open311/v2", jurisdiction=settings.OPEN311_JURISDICTION,
                    api_key=key, output_format=fmt)

    services = as_list(geo.get_service_list())
    assert sorted(s["service_code"] for s in services) == ["light", "noise"]
    light = next(s for s in services if s["service_code"] == "light")
    assert light["service_name"] == "Đèn đường hỏng"
    assert light["metadata"] in (True, "true")

    definition = geo.get_service_definition("light")
    assert definition["service_code"] == "light"
    attributes = definition["attributes"] if fmt == "json" else as_list(definition["attributes"]["attribute"])
    assert [a["code"] for a in attributes] == ["pole"]

    public_id = submit(live_server, key, "light", "Đèn cột 17 không sáng")
    held_id = submit(live_server, key, "noise", "CHUA-DUYET tiếng ồn ban đêm")
    assert Report.objects.get(code=public_id).api_client_id is not None

    listed = as_list(geo.get_service_requests())
    assert public_id in [r["service_request_id"] for r in listed]
    assert held_id not in [r["service_request_id"] for r in listed]  # not accepted by the intake office yet

    one = geo.get_service_request(public_id)
    assert one["service_request_id"] == public_id and one["status"] == "open"
    assert one["description"] == "Đèn cột 17 không sáng"
    assert one["service_code"] == "light"

    open_only = as_list(geo.get_service_requests(status="open", service_code="light"))
    assert [r["service_request_id"] for r in open_only] == [public_id]
    with pytest.raises(requests.HTTPError) as refused:
        geo.get_service_request(held_id)
    assert refused.value.response.status_code == 404
