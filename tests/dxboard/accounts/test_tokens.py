"""Personal API tokens: several per person, named, shown once, stored as a digest only, expiring, revocable
by their owner, an administrator's only from a session that passed 2FA, and every step in the audit log."""

import datetime
import hashlib
import io
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from dxboard.accounts import actions
from dxboard.accounts.models import ApiToken
from dxboard.audit.models import AuditEntry


def _create_on_page(client, name="sync") -> str:
    html = client.post("/accounts/tokens/", {"name": name}).content.decode()
    return re.search(r'<code id="api-token">([^<]+)</code>', html).group(1)


def _api(secret, language=None):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    if language:
        api.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return api


def test_the_token_is_shown_once_and_the_database_holds_only_its_digest(login, personas):
    client = login(personas["officer_a"])
    secret = _create_on_page(client)
    page = client.get("/accounts/tokens/").content.decode()
    assert secret not in page and "sync" in page
    token = ApiToken.objects.get(user=personas["officer_a"])
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)  # every table of the database, the audit log included
    assert secret not in dump.getvalue()
    assert _api(secret).get("/api/v1/units/").status_code == 200


def test_a_person_has_several_tokens_and_each_works(personas):
    _t1, one = actions.issue_api_token(acting_user=personas["officer_a"], user=personas["officer_a"], name="one")
    _t2, two = actions.issue_api_token(acting_user=personas["officer_a"], user=personas["officer_a"], name="two")
    assert _api(one).get("/api/v1/units/").status_code == 200
    assert _api(two).get("/api/v1/units/").status_code == 200


def test_a_token_expires_after_the_configured_days_and_then_answers_401(personas, settings):
    settings.API_TOKEN_DAYS = 7
    token, secret = actions.issue_api_token(acting_user=personas["officer_a"], user=personas["officer_a"],
                                            name="sync")
    assert abs(token.expires - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(minutes=1)
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    response = _api(secret, "en").get("/api/v1/units/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"
    assert "hết hạn" in _api(secret).get("/api/v1/units/").json()["detail"]  # Vietnamese first


def test_a_revoked_token_answers_401(login, personas):
    client = login(personas["officer_a"])
    secret = _create_on_page(client)
    token = ApiToken.objects.get(user=personas["officer_a"])
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None
    refused = _api(secret, "en").get("/api/v1/units/")
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_an_owner_lists_and_revokes_only_their_own_tokens(login, personas):
    theirs, _secret = actions.issue_api_token(acting_user=personas["officer_b"], user=personas["officer_b"],
                                              name="commune-b-sync")
    client = login(personas["officer_a"])
    _create_on_page(client, name="commune-a-sync")
    page = client.get("/accounts/tokens/").content.decode()
    assert "commune-a-sync" in page and "commune-b-sync" not in page
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked is None


def test_an_administrator_gets_a_token_only_from_a_session_that_passed_2fa(client, login, personas):
    admin = personas["admin"]
    with pytest.raises(actions.NotAllowed):
        actions.issue_api_token(acting_user=admin, user=admin, name="unverified")  # no verified session
    client.force_login(admin)  # signed in, second factor not passed
    client.post("/accounts/tokens/", {"name": "unverified"})
    assert not ApiToken.objects.filter(user=admin).exists()
    verified = login(admin)
    secret = _create_on_page(verified, name="verified")
    assert ApiToken.objects.get(user=admin).name == "verified"
    assert _api(secret).get("/api/v1/units/").status_code == 200


def test_creation_use_and_revocation_are_in_the_audit_log_use_at_most_once_an_hour(login, personas):
    client = login(personas["officer_a"])
    secret = _create_on_page(client)
    token = ApiToken.objects.get(user=personas["officer_a"])
    for _ in range(3):
        assert _api(secret).get("/api/v1/units/").status_code == 200
    uses = AuditEntry.objects.filter(action="accounts.use_token", object_id=str(token.pk))
    assert uses.count() == 1 and uses.get().actor == personas["officer_a"]
    token.refresh_from_db()
    assert token.last_used is not None
    ApiToken.objects.filter(pk=token.pk).update(use_logged=timezone.now() - datetime.timedelta(hours=1, seconds=1))
    _api(secret).get("/api/v1/units/")
    assert uses.count() == 2
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    logged = set(AuditEntry.objects.filter(object_type="accounts.apitoken", object_id=str(token.pk))
                 .values_list("action", flat=True))
    assert logged == {"accounts.issue_token", "accounts.use_token", "accounts.revoke_token"}


def test_the_account_page_links_to_the_tokens_page(login, personas):
    client = login(personas["officer_a"])
    assert 'href="/accounts/tokens/"' in client.get("/accounts/security/").content.decode()
