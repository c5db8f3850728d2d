"""Cross-cutting security checks: CSRF on every form, nothing secret or personal in the logs."""

import logging
import re

import pytest
from django.test import Client

from tests.conftest import PASSWORD

PAGES = ["/", "/units/", "/units/07210/", "/units/07210/members/", "/accounts/security/", "/accounts/password/",
         "/audit/", "/index/", "/index/frameworks/", "/index/campaigns/new/", "/notifications/"]


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
    token = issue_api_token(acting_user=personas["officer_a"], user=personas["officer_a"]).key
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
