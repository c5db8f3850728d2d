"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) in JSON and XML.

Public reads show no personal data: the reporter's identity is never part of a request. GET lists and
returns only reports whose content the public may read (accepted by the intake office where the category
is pre-moderated, never a sensitive category's), and reads them through publish() all the same. POST needs an
`api_key` of an active `ApiClient`; the submission goes through the same action as the web form
(photos re-encoded, idempotency, on-site photo rule). Errors are a list of {code, description}.
"""

import datetime
import hashlib
import uuid
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop
from django.views.decorators.csrf import csrf_exempt

from dxboard.core.i18n import Message
from dxboard.units.models import Unit, UnitKind

from .. import actions
from ..models import Category, ConsentVersion, Report, Status
from ..publication import content_public, publish
from . import checks, media

MAX_SPAN = datetime.timedelta(days=90)
DEFAULT_SPAN = datetime.timedelta(days=90)
MAX_PAGE = 1_000_000
CLOSED = {Status.ANSWERED, Status.CLOSED, Status.REJECTED, Status.MERGED}


class Open311Error(Exception):
    """An error answer: `description` is a lazy text, read in the client's language (Accept-Language);
    `more` are further (msgid, params) errors of the same request, listed after it."""

    def __init__(self, status: int, description: str, params: dict | None = None, more=()):
        super().__init__(description)
        self.status = status
        self.descriptions = [Message(description, params) if params is not None else description,
                             *(Message(msgid, p) for msgid, p in more)]


def _xml_value(parent, key, value):
    el = ET.SubElement(parent, key)
    if isinstance(value, list):
        item_tag = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute",
                    "values": "value"}.get(key, "item")
        for item in value:
            _xml_value(el, item_tag, item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


def render(fmt: str, root: str, item: str | None, data, status: int = 200) -> HttpResponse:
    if fmt == "json":
        response = JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})
        response["Content-Type"] = "application/json; charset=utf-8"
        return response
    top = ET.Element(root)
    if item is None:
        for k, v in data.items():
            _xml_value(top, k, v)
    else:
        for row in data:
            _xml_value(top, item, row)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def error(fmt: str, status: int, *descriptions) -> HttpResponse:
    return render(fmt, "errors", "error", [{"code": status, "description": d} for d in descriptions], status)


def jurisdiction() -> str:
    return settings.OPEN311_JURISDICTION


def check_jurisdiction(request):
    """One platform, one jurisdiction: a client may leave jurisdiction_id out; naming another one is the
    spec's 404 ("jurisdiction_id provided was not found"), on every endpoint."""
    named = (request.POST if request.method == "POST" else request.GET).get("jurisdiction_id", "").strip()
    if named and named != jurisdiction():
        raise Open311Error(404, gettext_noop("jurisdiction_id %(id)s not found: this platform serves %(ours)s"),
                           {"id": named, "ours": jurisdiction()})


def handle_errors(view):
    # An API client has no language switch: it says which language it reads in Accept-Language
    # (Vietnamese when it says nothing). Parameter names in the texts are the spec's, machine-facing.
    def wrapped(request, *args, fmt, **kwargs):
        with translation.override(translation.get_language_from_request(request)):
            try:
                check_jurisdiction(request)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error(fmt, exc.status, *exc.descriptions)

    wrapped.__name__ = view.__name__
    return csrf_exempt(wrapped)


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _service(category: Category) -> dict:
    c = publish(category)
    return {"service_code": c.code, "service_name": c.name, "description": c.description,
            "metadata": bool(c.attributes), "type": "realtime", "keywords": c.keywords, "group": c.group,
            "jurisdiction_id": jurisdiction()}


@handle_errors
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "json"})).rsplit("/", 1)[0] + "/"
    from ..models import province_name

    contact = getattr(settings, "FEEDBACK_OPEN311_CONTACT", "") or f"Intake office — {province_name()}"
    data = {"changeset": "2025-07-01T00:00:00+07:00", "contact": contact, "jurisdiction_id": jurisdiction(),
            "key_service": "api_key issued by the intake office (feedback settings page)",
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                           "changeset": "2025-07-01T00:00:00+07:00", "type": "production",
                           "formats": ["text/xml", "application/json"]}]}
    return render(fmt, "discovery", None, data)


@handle_errors
def services(request, fmt):
    rows = [_service(c) for c in Category.objects.filter(active=True).order_by("code")]
    return render(fmt, "services", "service", rows)


@handle_errors
def service_definition(request, fmt, code):
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise Open311Error(404, gettext_noop("service_code %(code)s not found"), {"code": code})
    attributes = []
    for order, attr in enumerate(category.attributes, start=1):
        attributes.append({
            "variable": attr.get("variable", True), "code": str(attr["code"]),
            "datatype": attr.get("datatype", "string"), "required": bool(attr.get("required", False)),
            "datatype_description": attr.get("datatype_description", ""), "order": attr.get("order", order),
            "description": attr.get("description", ""),
            "values": [{"key": str(v["key"]), "name": v["name"]} for v in attr.get("values", [])]})
    data = {"service_code": category.code, "attributes": attributes}
    if fmt == "json":
        return render(fmt, "", None, data)
    return render(fmt, "service_definition", None, data)


def public_reports():
    return (Report.objects.filter(content_public())
            .select_related("category", "commune", "unit").prefetch_related("photos", "answers"))


def extended_attributes(r) -> dict:
    """What `extensions=true` adds, from the published report `r` only (publication.py's public names, with
    what a report withholds already held back): the category group, the handling unit's and the commune's
    names in the reader's language, the deadline's date and when it was answered."""
    english = (translation.get_language() or "vi").startswith("en")

    def name(unit) -> str:
        return ((english and unit.name_en) or unit.name) if unit else ""

    deadline = timezone.localtime(r.deadline).date().isoformat() if r.deadline else None
    return {"group": r.category.group, "handling_unit": name(r.unit), "commune": name(r.commune),
            "deadline_date": deadline, "answered_datetime": _iso(r.answered_at)}


def wants_extensions(request) -> bool:
    return request.GET.get("extensions", "").strip().lower() == "true"


def request_row(request, report: Report) -> dict:
    """A request as Open311 shows it: read through publish(), so only public fields (publication.py)."""
    r = publish(report)
    lat, lon = r.public_location()
    photo = next((p for p in r.public_photos() if p.is_image), None)
    answer = publish(max(report.answers.all(), key=lambda a: a.answered_at, default=None))
    return {
        "service_request_id": r.code,
        "status": "closed" if r.status in CLOSED else "open",
        "status_notes": answer.text if answer else (r.get_status_display() if r.status != Status.RECEIVED else ""),
        "service_name": r.category.name,
        "service_code": r.category.code,
        "description": r.description,
        "agency_responsible": r.unit.name if r.unit else "",
        "service_notice": "",
        "requested_datetime": _iso(r.created_at),
        "updated_datetime": _iso(r.updated_at),
        "expected_datetime": _iso(r.deadline) if r.status not in CLOSED else None,
        "address": r.public_address(),
        "address_id": r.commune.code if r.commune else "",
        "zipcode": "",
        "lat": lat,
        "long": lon,
        "media_url": request.build_absolute_uri(reverse("feedback:photo", args=[photo.uid])) if photo else "",
    } | ({"extended_attributes": extended_attributes(r)} if wants_extensions(request) else {})


def _parse_dt(value: str, name: str):
    parsed = parse_datetime(value.replace(" ", "+")) if value else None
    if value and parsed is None:
        raise Open311Error(400, gettext_noop("%(name)s is not a W3C date-time"), {"name": name})
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def window(params):
    """(start, end) of start_date / end_date: at most MAX_SPAN apart; with neither, the last DEFAULT_SPAN;
    with end alone, the MAX_SPAN before it. `end` may be None (up to now)."""
    start, end = _parse_dt(params.get("start_date", ""), "start_date"), _parse_dt(params.get("end_date", ""),
                                                                                   "end_date")
    if start and end and end < start:
        raise Open311Error(400, gettext_noop("end_date is before start_date"), {})
    if start and end and end - start > MAX_SPAN:
        raise Open311Error(400, gettext_noop("start_date to end_date may span at most %(n)s days"),
                           {"n": MAX_SPAN.days})
    if start is None:
        start = (end - MAX_SPAN) if end else timezone.now() - DEFAULT_SPAN
    return start, end


def _page(params) -> tuple[int, int]:
    """The first row and the number of rows of the page asked for (`page` from 1, `page_size` up to
    OPEN311_MAX_PAGE_SIZE; OPEN311_PAGE_SIZE rows when it says none)."""
    most = settings.OPEN311_MAX_PAGE_SIZE
    page = params.get("page", "").strip() or "1"
    size = params.get("page_size", "").strip() or str(settings.OPEN311_PAGE_SIZE)
    # MAX_PAGE bounds the offset the database is asked for (a 20-digit page would overflow it); the length test
    # comes first, as int() refuses a string of thousands of digits with an error of its own.
    if not (len(page) <= 7 and page.isascii() and page.isdigit() and 1 <= int(page) <= MAX_PAGE):
        raise Open311Error(400, gettext_noop("page must be a whole number from 1 to %(n)s"), {"n": MAX_PAGE})
    if not (len(size) <= 7 and size.isascii() and size.isdigit() and 1 <= int(size) <= most):
        raise Open311Error(400, gettext_noop("page_size must be a whole number from 1 to %(n)s"), {"n": most})
    return (int(page) - 1) * int(size), int(size)


@handle_errors
def requests(request, fmt):
    if request.method == "POST":
        return create_request(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, gettext_noop("method not allowed"), {})
    params = request.GET
    ids = [i for i in params.get("service_request_id", "").split(",") if i.strip()]
    first, size = _page(params)
    # The public list is the same for every reader and is polled by apps: in production a short cache
    # (OPEN311_LIST_CACHE_SECONDS, per process) serves it; building 1,000 rows costs ~0.3 s of CPU.
    # A new or changed report shows up after at most that many seconds. Lookups by id are never cached.
    seconds = getattr(settings, "OPEN311_LIST_CACHE_SECONDS", 0)
    key = None
    if seconds and not ids:
        key = "open311:list:" + hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        hit = cache.get(key)
        if hit is not None:
            response = HttpResponse(hit[0], content_type=hit[1])
            response["Cache-Control"] = f"public, max-age={seconds}"
            return response
    qs = public_reports()
    if ids:
        qs = qs.filter(code__in=[i.strip() for i in ids])
    else:
        codes = [c for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__code__in=[c.strip() for c in codes])
        start, end = window(params)
        qs = qs.filter(created_at__gte=start)
        if end:
            qs = qs.filter(created_at__lte=end)
        status = params.get("status", "")
        if status:
            wanted = {s.strip() for s in status.split(",")}
            if not wanted <= {"open", "closed"}:
                raise Open311Error(400, gettext_noop("status must be open or closed"), {})
            if wanted == {"open"}:
                qs = qs.exclude(status__in=CLOSED)
            elif wanted == {"closed"}:
                qs = qs.filter(status__in=CLOSED)
    # Newest first, then the higher id: a stable order, so that page 2 follows page 1 without a gap or a repeat.
    qs = qs.order_by("-created_at", "-pk")[first:first + size]
    response = render(fmt, "service_requests", "request", [request_row(request, r) for r in qs])
    if key is not None:
        cache.set(key, (response.content, response["Content-Type"]), seconds)
        response["Cache-Control"] = f"public, max-age={seconds}"
    return response


@handle_errors
def request_detail(request, fmt, request_id):
    r = public_reports().filter(code=request_id).first()
    if r is None:
        raise Open311Error(404, gettext_noop("service_request_id %(id)s not found"), {"id": request_id})
    return render(fmt, "service_requests", "request", [request_row(request, r)])


@handle_errors
def token(request, fmt, token):
    try:
        value = uuid.UUID(token)
    except ValueError:
        raise Open311Error(404, gettext_noop("token %(token)s not found"), {"token": token}) from None
    r = Report.objects.filter(token=value).first()
    if r is None:
        raise Open311Error(404, gettext_noop("token %(token)s not found"), {"token": token})
    return render(fmt, "service_requests", "request", [{"service_request_id": r.code, "token": str(r.token)}])


@csrf_exempt
def not_found(request, path):
    """A path the API does not have (an id with characters no code uses, a missing format): the error list in
    the format asked for (XML when the path ends in .xml, JSON otherwise)."""
    with translation.override(translation.get_language_from_request(request)):
        return error("xml" if path.endswith(".xml") else "json", 404, Message(gettext_noop("not found")))


def _float(value: str, name: str):
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, gettext_noop("%(name)s is not a number"), {"name": name}) from None


def create_request(request, fmt):
    data = request.POST
    client = actions.client_for_key(data.get("api_key", ""))
    if client is None:
        raise Open311Error(403, gettext_noop("api_key is missing or not valid"), {})
    code = data.get("service_code", "")
    category = Category.objects.filter(code=code, active=True).first()
    if not code:
        raise Open311Error(400, gettext_noop("service_code is required"), {})
    if category is None:
        raise Open311Error(404, gettext_noop("service_code %(code)s not found"), {"code": code})
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    address, address_id = data.get("address_string", "").strip(), data.get("address_id", "").strip()
    if not ((lat and lon) or address or address_id):
        raise Open311Error(400, gettext_noop("a location is required: lat and long, address_string or address_id"), {})
    commune = None
    if address_id:
        commune = Unit.objects.current().filter(kind=UnitKind.COMMUNE, code=address_id).first()
        if commune is None:
            raise Open311Error(400, gettext_noop("address_id %(id)s is not a known commune code"), {"id": address_id})
    found = checks.reporter(data.get("first_name", ""), data.get("last_name", ""), data.get("phone", ""),
                            data.get("email", ""))
    if lat and lon:
        found += filter(None, [checks.point(_float(lat, "lat"), _float(lon, "long"))])
    if found:
        raise Open311Error(400, *found[0], more=found[1:])
    description = data.get("description", "")
    if len(description) > actions.MAX_DESCRIPTION:
        raise Open311Error(400, gettext_noop("description is longer than %(n)s characters"),
                           {"n": actions.MAX_DESCRIPTION})
    attributes = {}
    for attr in category.attributes:
        value = data.get(f"attribute[{attr['code']}]", "")
        if attr.get("required") and attr.get("variable", True) and not value:
            raise Open311Error(400, gettext_noop("%(name)s is required"), {"name": f"attribute[{attr['code']}]"})
        keys = {str(v["key"]) for v in attr.get("values", [])}
        if value and attr.get("datatype") in ("singlevaluelist", "multivaluelist") and keys:
            chosen = data.getlist(f"attribute[{attr['code']}]")
            if not set(chosen) <= keys:
                raise Open311Error(400, gettext_noop("%(name)s has a value not in the list"),
                                   {"name": f"attribute[{attr['code']}]"})
            value = chosen if attr["datatype"] == "multivaluelist" else value
        if value:
            attributes[str(attr["code"])] = value
    photos = request.FILES.getlist("media")
    media_url = data.get("media_url", "").strip()
    if media_url and photos:  # which one would be the photo? The client says.
        raise Open311Error(400, gettext_noop("send the photo either as media or as media_url, not both"), {})
    if media_url:  # fetched last, once everything cheap to check has passed
        try:
            photos = [media.fetch(media_url)]
        except media.MediaError as exc:
            raise Open311Error(400, exc.msgid, exc.params) from None
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p).strip()
    key = request.headers.get("Idempotency-Key") or f"open311:{uuid.uuid4()}"
    try:
        report, _created = actions.submit(
            category=category, description=description, idempotency_key=f"{client.pk}:{key}",
            consent=ConsentVersion.current(), latitude=_float(lat, "lat") if lat and lon else None,
            longitude=_float(lon, "long") if lat and lon else None, commune=commune, address=address,
            address_id=address_id, location_source="gps" if lat and lon else "address", attributes=attributes,
            name=name, phone=data.get("phone", ""), email=data.get("email", ""),
            photos=photos, device_id=data.get("device_id", ""),
            ip="",  # a keyed client relays many citizens from one address: limited per device and per key
            source="open311", api_client=client)
    except actions.FeedbackError as exc:
        raise Open311Error(exc.status if exc.status in (400, 409, 429, 503) else 400, exc.args[0]) from None
    row = {"service_request_id": report.code, "token": str(report.token),
           "service_notice": "", "account_id": ""}
    return render(fmt, "service_requests", "request", [row])
