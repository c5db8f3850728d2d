"""mySociety's Open311 `servicerequestupdates` extension, in JSON and XML like the GeoReport endpoints.

GET lists the public steps of the public reports (the same reports /requests lists: a sensitive report, or
a pre-moderated one the intake office has not accepted, is left out whole, as its status changes alone would
tell the public it exists and where it stands), read through publish(): the note written for the citizen,
never the office's internal note, never a step kept from the citizen. POST, by a keyed client, relays a
citizen's follow-up comment (actions.comment_from_client): stored for the office, status unchanged.
"""

from django.db.models import Q
from django.utils.translation import gettext_noop

from .. import actions
from ..models import Report, ReportEvent
from ..publication import content_public, publish
from .views import (
    CLOSED,
    Open311Error,
    _iso,
    _page,
    _parse_dt,
    handle_errors,
    render,
    window,
)

# The steps after which the report is closed (the rest leave it open); the step itself is external_status_code.
CLOSING_STEPS = {"answered", "rated", "merged", "rejected"}
# Statuses are written lower case, as GeoReport's /requests and mySociety's adapter write them; a client's
# (FixMyStreet sends OPEN / CLOSED) is read in any case.
STATUSES = {"OPEN", "CLOSED"}
MAX_UPDATE_ID = 100


def update_row(event: ReportEvent) -> dict:
    e = publish(event)
    return {"update_id": str(event.pk), "service_request_id": event.report.code,
            "status": "closed" if event.kind in CLOSING_STEPS else "open",
            "external_status_code": event.kind, "updated_datetime": _iso(event.at),
            "description": e.note, "media_url": ""}


@handle_errors
def updates(request, fmt):
    if request.method == "POST":
        return create_update(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, gettext_noop("method not allowed"), {})
    first, size = _page(request.GET)
    start, end = window(request.GET)
    qs = ReportEvent.objects.filter(public=True, report__in=Report.objects.filter(content_public()), at__gte=start)
    if end:
        qs = qs.filter(at__lte=end)
    # Oldest first, then the lower id: a stable order, so that page 2 follows page 1 without a gap or a repeat.
    qs = qs.select_related("report__category").order_by("at", "pk")[first:first + size]
    return render(fmt, "service_request_updates", "request_update", [update_row(e) for e in qs])


def create_update(request, fmt):
    data = request.POST
    client = actions.client_for_key(data.get("api_key", ""))
    if client is None:
        raise Open311Error(403, gettext_noop("api_key is missing or not valid"), {})
    for name in ("service_request_id", "update_id", "status", "description"):
        if not data.get(name, "").strip():
            raise Open311Error(400, gettext_noop("%(name)s is required"), {"name": name})
    update_id = data["update_id"].strip()
    if len(update_id) > MAX_UPDATE_ID:
        raise Open311Error(400, gettext_noop("update_id is longer than %(n)s characters"), {"n": MAX_UPDATE_ID})
    if data["status"].strip().upper() not in STATUSES:
        raise Open311Error(400, gettext_noop("status must be OPEN or CLOSED"), {})
    _parse_dt(data.get("updated_datetime", ""), "updated_datetime")
    code = data["service_request_id"].strip()
    # A client adds to the reports it relayed and to the public ones; any other report is not found for it
    # (the answer does not tell that a sensitive or unpublished report has that code).
    report = Report.objects.filter(Q(api_client=client) | content_public(), code=code).first()
    if report is None:
        raise Open311Error(404, gettext_noop("service_request_id %(id)s not found"), {"id": code})
    try:
        event, _created = actions.comment_from_client(report, client=client, update_id=update_id,
                                                      text=data["description"])
    except actions.FeedbackError as exc:
        raise Open311Error(exc.status if exc.status in (400, 429) else 400, exc.args[0]) from None
    status = "closed" if report.status in CLOSED else "open"
    return render(fmt, "service_request_updates", "request_update",
                  [{"update_id": str(event.pk), "service_request_id": report.code, "status": status}])
