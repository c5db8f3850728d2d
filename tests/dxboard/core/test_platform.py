import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_reports_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}


def test_production_settings_pass_check_deploy_with_no_warning():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**env, "DJANGO_SETTINGS_MODULE": "dxboard.settings.production",
           "SECRET_KEY": "k" * 20 + "-production-like-secret-" + "z9" * 10, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "DEBUG"],
                            env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "dxboard.settings.production", "PYTHONPATH": str(ROOT / "src")})
    result = subprocess.run([sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked(settings):
    from dxboard.settings.env import env_bool

    assert env_bool("DXBOARD_SURELY_UNSET_VARIABLE") is False
    assert settings.DEBUG is False


def test_home_page_is_vietnamese_by_default(client, tree):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Chuyển đổi số" in html or "chuyển đổi số" in html


def test_an_english_browser_still_gets_vietnamese_until_it_chooses(client, tree):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html


def test_language_switch_to_english(client, tree):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Digital transformation of Tỉnh Bắc Ninh" in html


def test_numbers_are_formatted_vi_vn(client, tree, settings):
    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.number_format(3334900, force_grouping=True) == "3.334.900"
        assert formats.number_format(91.2, decimal_pos=1) == "91,2"
    import datetime

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2025, 7, 1), "SHORT_DATE_FORMAT") == "01/07/2025"


@pytest.mark.parametrize("path", ["/", "/units/", "/units/07210/", "/accounts/login/"])
def test_pages_have_a_strict_csp_and_no_inline_script(client, tree, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    html = response.content.decode()
    import re

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"inline script on {path}: {tag}"
    assert " style=" not in html and "<style" not in html
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html


def test_every_api_route_is_in_the_schema(client, db):
    schema = client.get("/api/schema/?format=json").json()
    documented = set(schema["paths"])

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns, route)
            else:
                yield route

    api_routes = {r for r in walk(get_resolver().url_patterns) if r.startswith("api/v1/")}
    assert api_routes, "no API route found"
    import re

    def normalise(route):
        route = route.replace("^", "").replace("$", "").replace("\\.(?P<format>[a-z0-9]+)/?", "")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        return "/" + route.replace("{pk}", "{id}")  # drf-spectacular names a primary key "id"

    missing = {normalise(r) for r in api_routes if "format" not in r} - documented
    assert not missing, f"API routes missing from /api/schema/: {sorted(missing)}"


def test_notifications_page_lists_mine_and_marks_them_read(login, personas):
    from dxboard.core.models import Notification
    from dxboard.core.notify import notify

    notify([personas["officer_a"]], "Còn 3 ngày", "Hạn nộp 15/01", "/index/")
    notify([personas["officer_b"]], "Thư của người khác")
    client = login(personas["officer_a"])
    assert 'id="unread">1<' in client.get("/").content.decode()
    page = client.get("/notifications/").content.decode()
    assert "Còn 3 ngày" in page and "Thư của người khác" not in page
    assert not Notification.objects.filter(user=personas["officer_a"], read=False).exists()
    assert 'id="unread"' not in client.get("/").content.decode()
