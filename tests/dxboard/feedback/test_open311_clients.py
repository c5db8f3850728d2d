"""Open311 GeoReport v2 as real clients use it: the jurisdiction, input refused with the spec's error list,
paging, and extended attributes — each in JSON and XML, against the real views."""

import datetime

import pytest
from django.utils import timezone

from dxboard.feedback.models import PersonalData, Report

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


# -- what a client sends about the reporter and the place --------------------------------------------------
SUBMISSION = {"service_code": "procedure", "description": "Hồ sơ bị trả lại", "address_string": "Số 2"}
# (fields, the error in Vietnamese (by default), in English (Accept-Language: en))
REFUSED = [
    ({"email": "not-an-email"}, "Địa chỉ e-mail không hợp lệ", "The e-mail address is not valid"),
    ({"email": "an@" + "b" * 260 + ".vn"}, "Địa chỉ e-mail không hợp lệ", "The e-mail address is not valid"),
    ({"first_name": "A" * 201}, "Tên dài quá 200 ký tự", "The first name is longer than 200 characters"),
    ({"first_name": "A" * 150, "last_name": "B" * 60}, "Họ và tên cộng lại dài quá 200 ký tự",
     "The first and last name together are longer than 200 characters"),
    ({"phone": "0" * 31}, "Số điện thoại dài quá 30 ký tự", "The phone number is longer than 30 characters"),
    ({"lat": "0", "long": "0"}, "Vị trí 0, 0 không phải là một địa điểm", "The location 0, 0 is not a place"),
    ({"lat": "10.7769", "long": "106.7009"}, "Vị trí 10.7769, 106.7009 nằm ngoài", "outside"),  # Hồ Chí Minh City
    ({"lat": "nan", "long": "106.1"}, "nằm ngoài", "outside"),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("fields", "vietnamese", "english"), REFUSED)
def test_what_cannot_be_stored_as_sent_is_refused_and_nothing_stored(client, fb, api_key, fmt, fields,
                                                                     vietnamese, english):
    for language, text in ((None, vietnamese), ("vi", vietnamese), ("en", english)):
        headers = {"Accept-Language": language} if language else {}
        response = client.post(f"{BASE}requests.{fmt}", {"api_key": api_key, **SUBMISSION, **fields},
                               headers=headers)
        assert response.status_code == 400, response.content
        [(code, description)] = errors(parse(response, fmt), fmt)
        assert code == 400 and text in description, (language, description)
    assert Report.objects.count() == 0 and PersonalData.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_every_field_that_cannot_be_stored_is_listed(client, fb, api_key, fmt):
    response = client.post(f"{BASE}requests.{fmt}", {"api_key": api_key, **SUBMISSION, "email": "x@",
                                                    "phone": "9" * 40, "lat": "0", "long": "0"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    found = errors(parse(response, fmt), fmt)
    assert [code for code, _ in found] == [400, 400, 400]
    assert ["phone" in found[0][1], "e-mail" in found[1][1], "0, 0" in found[2][1]] == [True, True, True]
    assert Report.objects.count() == 0
    # what fits is stored as sent, to the last character
    fields = {"first_name": "A" * 100, "last_name": "B" * 99, "phone": "0" * 30, "email": "lan@example.org",
              "lat": "21.18", "long": "106.07"}
    response = client.post(f"{BASE}requests.{fmt}", {"api_key": api_key, **SUBMISSION, **fields})
    assert response.status_code == 200, response.content
    personal = PersonalData.objects.get()
    assert (personal.name, personal.phone, personal.email) == ("A" * 100 + " " + "B" * 99, "0" * 30,
                                                               "lan@example.org")


# -- paging ----------------------------------------------------------------------------------------------
def ids(data, fmt) -> list[str]:
    if fmt == "json":
        return [row["service_request_id"] for row in data]
    return [row.find("service_request_id").text for row in data.findall("request")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_come_in_pages_newest_first_then_by_id(client, make_report, fmt, settings):
    settings.OPEN311_PAGE_SIZE, settings.OPEN311_MAX_PAGE_SIZE = 2, 3
    reports = [make_report("procedure", accepted=True) for _ in range(5)]
    # the three latest arrived in the same instant: the higher id comes first among them
    same = timezone.now()
    Report.objects.filter(pk__in=[r.pk for r in reports[2:]]).update(created_at=same)
    Report.objects.filter(pk=reports[0].pk).update(created_at=same - datetime.timedelta(hours=2))
    Report.objects.filter(pk=reports[1].pk).update(created_at=same - datetime.timedelta(hours=1))
    newest_first = [r.code for r in (reports[4], reports[3], reports[2], reports[1], reports[0])]
    pages = [ids(get(client, "requests", fmt, page=n)[1], fmt) for n in (1, 2, 3, 4)]
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:], []]
    assert ids(get(client, "requests", fmt)[1], fmt) == newest_first[:2]  # the default page size
    assert ids(get(client, "requests", fmt, page=2, page_size=3)[1], fmt) == newest_first[3:]
    assert ids(get(client, "requests", fmt, service_code="procedure", page_size=3, page=1)[1], fmt) == \
        newest_first[:3]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("params", "vietnamese", "english"), [
    ({"page": "0"}, "page phải là số nguyên từ 1", "page must be a whole number from 1"),
    ({"page": "abc"}, "page phải là số nguyên từ 1", "page must be a whole number from 1"),
    ({"page": "9" * 25}, "page phải là số nguyên từ 1 đến 1000000", "from 1 to 1000000"),
    ({"page": "9" * 5000}, "page phải là số nguyên từ 1 đến 1000000", "from 1 to 1000000"),
    ({"page_size": "9" * 5000}, "page_size phải là số nguyên", "page_size must be a whole number"),
    ({"page_size": "4"}, "page_size phải là số nguyên từ 1 đến 3", "page_size must be a whole number from 1 to 3"),
    ({"page_size": "0"}, "page_size phải là số nguyên", "page_size must be a whole number"),
    ({"page_size": "-1"}, "page_size phải là số nguyên", "page_size must be a whole number"),
    ({"page_size": "²"}, "page_size phải là số nguyên", "page_size must be a whole number"),
])
def test_a_page_that_cannot_be_is_the_400_error_list(client, answered, fmt, settings, params, vietnamese,
                                                     english):
    settings.OPEN311_MAX_PAGE_SIZE = 3
    for language, text in ((None, vietnamese), ("en", english)):
        headers = {"Accept-Language": language} if language else {}
        response = client.get(f"{BASE}requests.{fmt}", params, headers=headers)
        assert response.status_code == 400
        [(code, description)] = errors(parse(response, fmt), fmt)
        assert code == 400 and text in description


# -- extensions=true -------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_extensions_add_what_the_public_may_read(client, answered, make_report, fb, tree, personas, fmt):
    fb["road"].group = "Hạ tầng"
    fb["road"].save()
    tree["A"].name_en = "Bac Giang Ward"
    tree["A"].save()
    waiting = Report.objects.get(pk=make_report("procedure", accepted=True).pk)  # not routed yet: no unit
    answered = Report.objects.get(pk=answered.pk)
    assert answered.deadline and answered.answered_at
    expected = {answered.code: {"group": "Hạ tầng", "handling_unit": "Phường Bắc Giang",
                                "commune": "Phường Bắc Giang",
                                "deadline_date": timezone.localtime(answered.deadline).date().isoformat(),
                                "answered_datetime": timezone.localtime(answered.answered_at).isoformat("T",
                                                                                                      "seconds")},
                waiting.code: {"group": "", "handling_unit": "", "commune": "Phường Bắc Giang",
                               "deadline_date": None, "answered_datetime": None}}

    def extended(data):
        if fmt == "json":
            return {row["service_request_id"]: row.get("extended_attributes") for row in data}
        return {row.find("service_request_id").text: (
            {el.tag: el.text for el in row.find("extended_attributes")}
            if row.find("extended_attributes") is not None else None) for row in data.findall("request")}

    def xml_blank(values):  # XML writes an empty text and a missing value alike: no text
        return {k: (v or None) for k, v in values.items()} if fmt == "xml" else values

    _, data = get(client, "requests", fmt, extensions="true")
    assert extended(data) == {code: xml_blank(v) for code, v in expected.items()}
    _, data = get(client, f"requests/{answered.code}", fmt, extensions="true")
    assert extended(data) == {answered.code: xml_blank(expected[answered.code])}
    english = parse(client.get(f"{BASE}requests/{answered.code}.{fmt}", {"extensions": "true"},
                               headers={"Accept-Language": "en"}), fmt)
    assert extended(english)[answered.code]["handling_unit"] == "Bac Giang Ward"
    # without it (or with anything but true), the rows are the spec's alone
    for params in ({}, {"extensions": "false"}):
        _, data = get(client, "requests", fmt, **params)
        assert set(extended(data).values()) == {None}
