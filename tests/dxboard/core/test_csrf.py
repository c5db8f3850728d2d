"""CSRF on every form: every URL of the project is POSTed to without a token, by a logged-in person's
browser that enforces CSRF, and is refused with 403 — except the endpoints that are documented as
authenticated by a token a browser never sends on its own (listed below, with their own tests). And every
form with method="post" on the pages a person can open carries the token."""

import re
import uuid

import pytest
from django.test import Client

# Token-authenticated endpoints: no cookie authenticates them, so a forged cross-site POST has nothing to ride on.
TOKEN_AUTHENTICATED = {
    "open311/v2/": "Open311 GeoReport v2: a POST needs the client's api_key in the body (test_open311); "
                   "everything else there is a public read",
}


def sample(route: str) -> str:
    """A URL the route resolves, whatever the object (CSRF is checked before the view looks anything up)."""
    values = {"int": "1", "str": "x", "uuid": str(uuid.uuid4()), "path": "x"}
    url = re.sub(r"\(\?P<format>[^)]*\)", "json", route)
    url = re.sub(r"\(\?P<fmt>[^)]*\)", "json", url)
    url = re.sub(r"\(\?P<path>[^)]*\)", "x", url)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", url)
    url = re.sub(r"<(\w+):\w+>", lambda m: values[m.group(1)], url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\Z", "").replace("/?", "/")


def all_routes() -> list[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return [r for r in walk(get_resolver().url_patterns) if "(?P<format>" not in r and not r.startswith("static")]


@pytest.fixture
def strict(personas, login):
    """The administrator's logged-in browser (session and second factor), enforcing CSRF as production does."""
    session = login(personas["admin"]).cookies
    client = Client(enforce_csrf_checks=True)
    client.cookies = session
    return client


def test_every_url_refuses_a_post_without_a_csrf_token(strict):
    answered = {}
    for route in all_routes():
        if any(route.startswith(prefix) for prefix in TOKEN_AUTHENTICATED):
            continue
        url = sample(route)
        status = strict.post(url, {"x": "1"}).status_code
        if status != 403:
            answered[url] = status
    assert not answered, f"POST without a CSRF token was not refused: {answered}"


def test_the_token_endpoints_refuse_a_post_without_their_token(client, db):
    response = client.post("/open311/v2/requests.json", {"service_code": "x", "description": "x"})
    assert response.status_code == 403  # no api_key: nothing happens, whatever cookies ride along
    from dxboard.kpi.models import Observation

    response = client.post("/api/v1/kpi/observations/", {"observations": []}, content_type="application/json")
    assert response.status_code in (401, 403) and not Observation.objects.exists()


def test_a_post_with_the_token_gets_through_the_check(strict):
    """The refusal above is the CSRF check's, not the page's: the same POST with the token is not a 403."""
    page = strict.get("/accounts/password/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert strict.post("/accounts/password/", {"csrfmiddlewaretoken": token}).status_code != 403


def test_every_post_form_on_every_page_carries_the_token(login, personas, tree):
    client = login(personas["admin"])
    pages = [sample(r) for r in all_routes() if "<" not in r and "(?P" not in r and not r.startswith("api/")
             and not r.startswith("open311/") and not r.endswith((".xlsx", ".svg", ".json", ".js"))
             and "logout" not in r]
    forms = 0
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I):
                forms += 1
                assert "csrfmiddlewaretoken" in form, f"{page}: a POST form without the CSRF token"
    assert forms >= 15  # the walk did reach the forms
