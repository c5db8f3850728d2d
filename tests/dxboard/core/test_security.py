"""Cross-cutting security checks: CSRF on every form, nothing secret or personal in the logs."""

import logging
import re

import pytest
from django.test import Client

from tests.conftest import PASSWORD

PAGES = ["/", "/units/", "/units/07210/", "/units/07210/members/", "/accounts/security/", "/accounts/password/",
         "/accounts/tokens/", "/audit/", "/index/", "/index/frameworks/", "/index/campaigns/new/", "/notifications/"]


def test_every_post_form_carries_a_csrf_token_and_posts_without_it_are_refused(login, personas, tree):
    client = login(personas["admin"])
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    actions = set()
    for page in PAGES:
        html = client.get(page).content.decode()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S):
            if re.search(r'method="post"', form, flags=re.I):
                assert "csrfmiddlewaretoken" in form, f"{page}: a POST form without CSRF token"
                action = re.search(r'action="([^"]*)"', form)
                actions.add(action.group(1) if action and action.group(1) else page)
    assert len(actions) >= 4
    for action in actions:
        assert strict.post(action, {}).status_code == 403, action


def test_no_password_token_or_personal_data_reaches_the_logs(client, personas, caplog):
    from dxboard.accounts.actions import issue_api_token

    caplog.set_level(logging.DEBUG)
    client.post("/accounts/login/", {"username": "officer_a", "password": "wrong-" + PASSWORD})
    client.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD})
    _token, token = issue_api_token(acting_user=personas["officer_a"], user=personas["officer_a"], name="sync")
    client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token}")
    client.get("/api/v1/units/", HTTP_AUTHORIZATION="Token not-a-real-token")
    client.get("/index/evidence/999999/")
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert PASSWORD not in logged and token not in logged and "officer_a@example.org" not in logged


@pytest.mark.parametrize("path", ["/healthz", "/api/schema/"])
def test_responses_carry_security_headers(client, db, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


# -- personal data and secrets of the feedback and KPI flows never reach the logs ----------------------
NAME, PHONE, EMAIL = "Trần Thị Bình", "0987654321", "binh.tran@example.org"


@pytest.fixture
def all_logs(caplog, capfd):
    """Everything logged, formatted as the console handler would (tracebacks included), and what reached
    stderr/stdout at the file-descriptor level (the handler writes there)."""
    caplog.set_level(logging.DEBUG)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")

    def read():
        out, err = capfd.readouterr()
        return "\n".join([formatter.format(r) + str(getattr(r, "args", "")) for r in caplog.records] + [out, err])

    return read


def test_no_personal_data_api_key_or_source_token_reaches_the_logs(client, tree, personas, fb, all_logs, settings,
                                                                    tmp_path):
    from dxboard.feedback import actions as feedback
    from dxboard.feedback.models import PersonalData
    from dxboard.kpi import actions as kpi
    from tests.dxboard.feedback.conftest import photo
    from tests.dxboard.kpi.conftest import make_metric

    settings.MEDIA_ROOT = tmp_path / "media"
    # A citizen's report through the page, with name, phone and e-mail; then one refused (bad e-mail, no photo).
    form = {"idempotency_key": "log-1", "category": fb["road"].pk, "description": "Ổ gà trước cổng trường",
            "latitude": "21.2731", "longitude": "106.1946", "location_source": "gps", "commune": tree["A"].pk,
            "address": "Số 1", "name": NAME, "phone": PHONE, "email": EMAIL, "consent": "on", "photos": photo()}
    assert client.post("/feedback/new/", form).status_code in (200, 302)
    assert PersonalData.objects.filter(phone=PHONE).exists()  # the flow really ran
    client.post("/feedback/new/", form | {"idempotency_key": "log-2", "email": EMAIL + "@@", "photos": ""})
    # An Open311 client's POST with its api_key, a refused one, and a wrong key.
    _, api_key = feedback.create_api_client("log test", acting_user=None)
    o311 = {"api_key": api_key, "service_code": "procedure", "description": "Hồ sơ", "address_string": "Số 2",
            "first_name": "Bình", "last_name": "Trần Thị", "phone": PHONE, "email": EMAIL}
    assert client.post("/open311/v2/requests.json", o311).status_code == 200
    assert client.post("/open311/v2/requests.json", o311 | {"service_code": "nope"}).status_code == 404
    assert client.post("/open311/v2/requests.json", o311 | {"api_key": api_key[::-1]}).status_code == 403
    # A KPI source system pushing with its token: accepted, refused rows, and a wrong token.
    metric = make_metric()
    _system, token = kpi.create_source_system(acting_user=personas["admin"], code="vbdh", name="QLVB",
                                              metrics=[metric])
    row = {"metric": metric.code, "unit": tree["A"].code, "period": "2026-W02", "numerator": 9, "denominator": 10}

    def push(rows, key):
        return client.post("/api/v1/kpi/observations/", {"observations": rows}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {key}").status_code

    assert push([row], token) == 200
    assert push([row | {"unit": "NOPE"}], token) == 400
    assert push([row], token[::-1]) in (401, 403)
    logged = all_logs()
    assert "Not Found" in logged or "Bad Request" in logged or "Forbidden" in logged  # the refusals were logged
    for secret in (NAME, PHONE, EMAIL, "binh.tran", api_key, api_key[::-1], token, token[::-1]):
        assert secret not in logged, f"{secret!r} reached the logs"
