import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxboard.accounts.models import LoginThrottle
from tests.conftest import PASSWORD


def _login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_rotates_the_session_key(client, personas):
    client.get("/accounts/login/")
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    response = _login(client, "officer_a")
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != "attacker-chosen-session-id"
    assert client.get("/").context["user"].username == "officer_a"


def test_wrong_password_is_refused_in_vietnamese(client, personas):
    response = _login(client, "officer_a", "wrong-password-123")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_lockout_after_repeated_failures_even_with_the_right_password(client, personas, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, "officer_a", "wrong-password-123")
    response = _login(client, "officer_a")
    assert response.status_code == 200  # still on the login page
    assert "bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account is not affected
    assert _login(client, "officer_b").status_code == 302


def test_the_lock_time_is_told_in_hanoi_time(client, personas, settings):
    import datetime

    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, "officer_a", "wrong-password-123")
    until = LoginThrottle.objects.get(username="officer_a").locked_until
    hanoi = until.astimezone(datetime.timezone(datetime.timedelta(hours=7)))  # no daylight saving in Vietnam
    page = _login(client, "officer_a").content.decode()
    assert f"{hanoi:%H:%M}" in page, page
    if until.hour != hanoi.hour:
        assert f"{until:%H:%M}" not in page


def test_success_resets_the_failure_counter(client, personas, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    _login(client, "officer_a", "wrong-password-123")
    _login(client, "officer_a", "wrong-password-123")
    assert _login(client, "officer_a").status_code == 302
    assert not LoginThrottle.objects.filter(username="officer_a").exists()


@pytest.mark.django_db(transaction=True)
def test_failure_counter_is_atomic_under_parallel_guesses(settings):
    """Twenty wrong guesses from four threads count twenty, on SQLite and PostgreSQL alike."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from dxboard.accounts import throttle

    settings.LOGIN_FAILURE_LIMIT = 1000

    def guess(_):
        try:
            throttle.register_failure("target")
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(guess, range(20)))
    assert LoginThrottle.objects.get(username="target").failures == 20


@pytest.mark.parametrize("password", ["short-pw-1", "password1234", "123456789012345", "officer_a-2025!"])
def test_weak_passwords_are_refused(db, password):
    user = get_user_model()(username="officer_a", email="officer_a@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted(db):
    validate_password("mây trắng bay qua đồi chè 7", get_user_model()(username="x"))


def test_admin_must_enrol_totp_before_anything_else(client, personas):
    assert _login(client, "admin").status_code == 302
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/setup/"
    assert client.get("/api/v1/units/").status_code == 403
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=personas["admin"], confirmed=False)
    token = f"{totp(device.bin_key):06d}"
    assert client.post("/accounts/2fa/setup/", {"token": token}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/units/").status_code == 200


def test_officer_with_totp_must_verify_each_login(client, personas):
    device = TOTPDevice.objects.create(user=personas["officer_a"], name="phone", confirmed=True)
    _login(client, "officer_a")
    assert client.get("/").status_code == 302
    assert client.post("/accounts/2fa/verify/", {"token": "12345"}).status_code == 200
    token = f"{totp(device.bin_key):06d}"
    assert client.post("/accounts/2fa/verify/", {"token": token}).status_code == 302
    assert client.get("/").status_code == 200


def test_officer_without_totp_is_not_forced(client, personas):
    _login(client, "officer_a")
    assert client.get("/").status_code == 200


def test_token_authentication_for_machine_clients(client, personas):
    from dxboard.accounts.actions import issue_api_token

    _token, secret = issue_api_token(acting_user=personas["officer_a"], user=personas["officer_a"], name="sync")
    anon = client.get("/api/schema/")
    assert anon.status_code == 200
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/units/").status_code == 200
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/v1/units/").status_code == 401


def test_a_wrong_code_does_not_enable_totp(client, personas):
    _login(client, "admin")
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=personas["admin"])
    wrong = f"{(totp(device.bin_key) + 1) % 1000000:06d}"
    response = client.post("/accounts/2fa/setup/", {"token": wrong})
    assert response.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/units/").status_code == 302
