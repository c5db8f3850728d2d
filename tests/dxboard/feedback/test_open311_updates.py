"""mySociety's servicerequestupdates extension: public steps out, relayed citizen comments in."""

import datetime
import json
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from dxboard.audit.models import AuditEntry
from dxboard.feedback import actions
from dxboard.feedback.models import Report, ReportEvent, Status

URL = "/open311/v2/servicerequestupdates"


def rows(response, fmt):
    if fmt == "json":
        return json.loads(response.content)
    root = ET.fromstring(response.content)  # noqa: S314 — our own response
    return [{child.tag: child.text or "" for child in item} for item in root]


def window():
    now = timezone.now()
    return {"start_date": (now - datetime.timedelta(hours=1)).isoformat(),
            "end_date": (now + datetime.timedelta(hours=1)).isoformat()}


@pytest.fixture
def routed(make_report, personas, tree):
    r = make_report("road", accepted=True, address="Số 1 Lý Thái Tổ")
    actions.route(r, tree["A"], acting_user=personas["admin"], note="GHI-CHU-NOI-BO chuyển gấp")
    actions.wait_for_citizen(r, acting_user=personas["officer_a"], note="Xin gửi thêm ảnh")
    return Report.objects.get(pk=r.pk)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_public_steps_in_order_without_internal_notes(client, routed, fmt):
    response = client.get(f"{URL}.{fmt}", window())
    assert response.status_code == 200
    got = [r for r in rows(response, fmt) if r["service_request_id"] == routed.code]
    assert [r["external_status_code"] for r in got] == ["received", "routed", "waiting"]
    assert got[-1]["description"] == "Xin gửi thêm ảnh" and got[-1]["status"] == "open"
    assert set(got[0]) >= {"update_id", "service_request_id", "status", "updated_datetime", "description",
                           "media_url"}
    assert b"GHI-CHU-NOI-BO" not in response.content


def test_answer_is_a_closing_update(client, answered):
    got = [r for r in rows(client.get(f"{URL}.json", window()), "json") if r["service_request_id"] == answered.code]
    assert got[-1]["status"] == "closed" and got[-1]["description"] == "Đã vá ổ gà"


def test_sensitive_and_unaccepted_reports_are_left_out(client, make_report, personas, tree):
    sensitive = make_report("violence", description="BI-MAT bạo lực", accepted=True)
    actions.route(sensitive, tree["A"], acting_user=personas["admin"])
    actions.wait_for_citizen(sensitive, acting_user=personas["officer_a"], note="BI-MAT hỏi thêm")
    waiting = make_report("road", description="CHUA-DUYET")
    response = client.get(f"{URL}.json", window())
    codes = {r["service_request_id"] for r in rows(response, "json")}
    assert sensitive.code not in codes and waiting.code not in codes
    assert b"BI-MAT" not in response.content


def test_window_and_paging(client, routed):
    ReportEvent.objects.filter(report=routed, kind="received").update(
        at=timezone.now() - datetime.timedelta(days=3))
    kinds = [r["external_status_code"] for r in rows(client.get(f"{URL}.json", window()), "json")]
    assert "received" not in kinds and kinds == ["routed", "waiting"]
    page1 = rows(client.get(f"{URL}.json", window() | {"page_size": 1}), "json")
    page2 = rows(client.get(f"{URL}.json", window() | {"page_size": 1, "page": 2}), "json")
    assert [r["external_status_code"] for r in page1 + page2] == ["routed", "waiting"]
    bad = client.get(f"{URL}.json", {"start_date": "yesterday"})
    assert bad.status_code == 400 and "start_date" in json.loads(bad.content)[0]["description"]


def post(client, fmt, **data):
    return client.post(f"{URL}.{fmt}", data)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_client_comment_is_stored_once_audited_and_kept_from_the_public(client, routed, api_key, fmt):
    data = {"api_key": api_key, "service_request_id": routed.code, "update_id": "fms-77", "status": "CLOSED",
            "updated_datetime": timezone.now().isoformat(), "description": "BINH-LUAN ảnh đã gửi qua email",
            "first_name": "An", "email": "an@example.org"}
    first = post(client, fmt, **data)
    assert first.status_code == 200, first.content
    row = rows(first, fmt)[0]
    again = rows(post(client, fmt, **data), fmt)[0]
    assert again["update_id"] == row["update_id"]
    events = ReportEvent.objects.filter(report=routed, kind="commented")
    assert events.count() == 1 and events.get().note == "BINH-LUAN ảnh đã gửi qua email"
    assert AuditEntry.objects.filter(action="feedback.client_comment", object_id=str(routed.pk)).count() == 1
    # a client's CLOSED closes nothing: the citizen closes by rating the answer on the web
    assert Report.objects.get(pk=routed.pk).status == Status.WAITING and row["status"] == "open"
    assert b"BINH-LUAN" not in client.get(f"{URL}.json", window()).content


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_client_errors(client, routed, make_report, api_key, fmt):
    base = {"api_key": api_key, "service_request_id": routed.code, "update_id": "u1", "status": "OPEN",
            "description": "thêm"}
    bad_key = post(client, fmt, **(base | {"api_key": "nope"}))
    assert bad_key.status_code == 403
    unknown = post(client, fmt, **(base | {"service_request_id": "PA-NOPE"}))
    assert unknown.status_code == 404 and b"service_request_id" in unknown.content
    hidden = make_report("violence", accepted=True)  # not the client's, not public: not found for it
    assert post(client, fmt, **(base | {"service_request_id": hidden.code})).status_code == 404
    missing = post(client, fmt, **{k: v for k, v in base.items() if k != "update_id"})
    assert missing.status_code == 400 and b"update_id" in missing.content
    assert post(client, fmt, **(base | {"status": "DONE"})).status_code == 400
    assert not ReportEvent.objects.filter(kind="commented").exists()


def test_client_comments_are_rate_limited(client, routed, api_key, settings):
    settings.FEEDBACK_RATE_PER_API_CLIENT = 1
    base = {"api_key": api_key, "service_request_id": routed.code, "status": "OPEN", "description": "thêm"}
    assert post(client, "json", **base, update_id="a").status_code == 200
    assert post(client, "json", **base, update_id="b").status_code == 429
    assert ReportEvent.objects.filter(kind="commented").count() == 1


def test_another_jurisdiction_is_not_found(client, routed, settings):
    response = client.get(f"{URL}.json", window() | {"jurisdiction_id": "elsewhere.gov.vn"})
    assert response.status_code == 404 and b"jurisdiction_id" in response.content
    ours = client.get(f"{URL}.json", window() | {"jurisdiction_id": settings.OPEN311_JURISDICTION})
    assert ours.status_code == 200 and rows(ours, "json")
