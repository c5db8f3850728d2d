"""The platform's own error pages, in the person's language: nobody, citizen or official, meets Django's
English pages (or its debug page: `make run` runs with DEBUG off). A citizen's path keeps the citizen app's
look, so a mistyped link still offers the way back."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

CITIZEN_PREFIXES = ("/feedback/",)


def _base(request) -> str:
    office = request.path.startswith("/feedback/office/")
    if request.path.startswith(CITIZEN_PREFIXES) and not office:
        return "feedback/citizen_base.html"
    return "core/base.html"


def _page(request, status: int, reason: str = ""):
    return render(request, "errors/page.html", {"base": _base(request), "status": status, "reason": reason},
                  status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _page(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, 404)


def csrf_failure(request, reason=""):
    """A form sent without its security token (a page left open for hours, cookies blocked)."""
    return _page(request, 403, "csrf")


@requires_csrf_token
def server_error(request):
    """No database, no context processor: whatever broke may be what they would need."""
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
