"""The platform's URLs, plus bare views under /bench/: each does one database statement (or none) and
answers, through the same server, middleware and database as the measured pages — the floor the
platform's own figures are compared with."""

import datetime
import uuid

from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_insert(request):
    """One INSERT of a report row (no checks, no personal data, no photo, no audit); hidden from lists."""
    from dxboard.feedback.models import Report

    request.POST, request.FILES  # noqa: B018 — parse an uploaded body as the platform's form does
    key = uuid.uuid4().hex
    Report.objects.create(code=f"B.{key[:18]}", access_key="x", idempotency_key=f"bare-{key}", body_hash="0",
                          category_id=int(request.GET["category"]), commune_id=int(request.GET["commune"]),
                          description="bare", hidden=True)
    return JsonResponse({"code": key})


def bare_select(request):
    """One SELECT of the rows the public list shows (last 90 days, up to 1,000), as JSON."""
    from dxboard.feedback.models import Report

    since = timezone.now() - datetime.timedelta(days=90)
    rows = list(Report.objects.filter(hidden=False, flagged=False, created_at__gte=since)
                .values("code", "status", "description", "latitude", "longitude", "created_at")[:1000])
    return JsonResponse(rows, safe=False)


def bare_bytes(request):
    """No database: a response of `n` bytes (the size of the page it is compared with)."""
    return HttpResponse(b"x" * int(request.GET.get("n", "1000")), content_type="text/html; charset=utf-8")


@csrf_exempt
def bare_update(request, pk: int):
    """One UPDATE of an answer's value (no session, permission, check, scoring or audit)."""
    from dxboard.index.models import Answer

    Answer.objects.filter(pk=pk).update(value=float(request.POST.get("value", "1")), version=F("version") + 1)
    return HttpResponse(b"ok")


urlpatterns = [
    path("bench/bare/insert", bare_insert),
    path("bench/bare/select", bare_select),
    path("bench/bare/bytes", bare_bytes),
    path("bench/bare/update/<int:pk>", bare_update),
    path("", include("dxboard.urls")),
]
