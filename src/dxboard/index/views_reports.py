"""Server-drawn charts (SVG images), the DOCX/PDF report, and the boundary upload.

Charts are served as images of their own (`<img src=…svg>`), never inlined into pages: matplotlib's
SVG carries `style` attributes the pages' CSP forbids, and an image cannot run anything. Each SVG
response also carries its own strict CSP for when someone opens it directly.

Who sees what: the standing office (admin) and leaders see the official result of any campaign;
everybody, signed in or not, sees the charts of a published campaign; anyone else gets 404. The
reports are for the standing office and leaders only.
"""

import hashlib
import re
import statistics

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import is_admin, roles
from dxboard.audit.log import record
from dxboard.units.models import Unit

from . import boundaries, charts, reports
from .models import Campaign
from .results import ranking

SVG_TYPE = "image/svg+xml; charset=utf-8"
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
CACHE_SECONDS = 3600
MAX_SERIES_UNITS = 5
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _staff(user) -> bool:
    return is_admin(user) or Role.LEADER in roles(user)


def _campaign(request, pk: int) -> tuple[Campaign, bool]:
    """The campaign if the person may see its official result (staff, or anyone once published)."""
    campaign = get_object_or_404(Campaign.objects.select_related("official", "framework"), pk=pk)
    staff = _staff(request.user)
    if campaign.official is None or not (staff or campaign.status == Campaign.Status.PUBLISHED):
        raise Http404
    return campaign, staff


def _svg(svg: str, public: bool) -> HttpResponse:
    response = HttpResponse(svg, content_type=SVG_TYPE)
    response["Content-Security-Policy"] = SVG_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}" if public else "private, max-age=300"
    return response


def _cached(key: str, draw) -> str:
    """Snapshots are immutable, so a chart keyed by snapshot and parameters never goes stale."""
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def _key(snapshot, *parts) -> str:
    return ":".join(["index-chart", str(snapshot.pk), f"{snapshot.created.timestamp():.6f}", *map(str, parts)])


def _node(campaign: Campaign, request) -> str:
    payload = campaign.official.payload
    node = request.GET.get("node") or payload["root"]
    if node not in {n["code"] for n in payload["nodes"]}:
        raise Http404
    return node


def _names(payload) -> dict[str, str]:
    return {n["code"]: n["name"] for n in payload["nodes"]}


# -- charts ---------------------------------------------------------------------------------------
@require_GET
def chart_ranking(request, pk: int):
    campaign, _staff_reader = _campaign(request, pk)
    snapshot = campaign.official
    node = _node(campaign, request)
    title = _names(snapshot.payload).get(node, node)
    svg = _cached(_key(snapshot, "ranking", node),
                  lambda: charts.ranking_bars(ranking(snapshot, node), title=title))
    return _svg(svg, campaign.status == Campaign.Status.PUBLISHED)


def _medians(payload, codes) -> dict[str, float | None]:
    out = {}
    for code in codes:
        values = [u["values"].get(code) for u in payload["units"].values() if u["values"].get(code) is not None]
        out[code] = statistics.median(values) if values else None
    return out


@require_GET
def chart_radar(request, pk: int):
    campaign, _staff_reader = _campaign(request, pk)
    snapshot = campaign.official
    payload = snapshot.payload
    rows = ranking(snapshot)
    code = request.GET.get("unit") or (rows[0]["code"] if rows else "")
    unit = payload["units"].get(code)
    if unit is None:
        raise Http404
    main = list(payload["main"])

    def draw():
        return charts.radar(main, _names(payload), unit["values"], _medians(payload, main), unit_label=unit["name"],
                            median_label="Trung vị các đơn vị")

    return _svg(_cached(_key(snapshot, "radar", code), draw),
                campaign.status == Campaign.Status.PUBLISHED)


@require_GET
def chart_heatmap(request, pk: int):
    """Units (in rank order) × the parts of a node: the main indices by default, or the indicators of
    one main index with ?node=CODE."""
    campaign, _staff_reader = _campaign(request, pk)
    snapshot = campaign.official
    payload = snapshot.payload
    node = _node(campaign, request)
    if node == payload["root"]:
        columns = list(payload["main"])
    else:
        columns = [child for child, _w in campaign.framework.engine().children.get(node, [])]
        if not columns:
            raise Http404
    names = _names(payload)

    def draw():
        rows = ranking(snapshot)
        matrix = [[payload["units"][r["code"]]["values"].get(c) for c in columns] for r in rows]
        return charts.heatmap([r["name"] for r in rows], [f"{c} {names.get(c, '')}".strip() for c in columns], matrix)

    return _svg(_cached(_key(snapshot, "heatmap", node), draw),
                campaign.status == Campaign.Status.PUBLISHED)


@require_GET
def chart_series(request, pk: int):
    """The index over the periods of campaigns of the same kind of unit: the median, and up to five
    units (?unit=CODE, repeatable; the campaign's top three by default)."""
    campaign, staff = _campaign(request, pk)
    earlier = (Campaign.objects.filter(unit_kind=campaign.unit_kind, official__isnull=False,
                                       period__lte=campaign.period)
               .select_related("official").order_by("period", "pk"))
    if not staff:
        earlier = earlier.filter(status=Campaign.Status.PUBLISHED)
    # one campaign per period: the one we were asked about, else the latest created
    by_period = {}
    for other in earlier:
        if other.period in by_period and by_period[other.period].pk == campaign.pk:
            continue
        by_period[other.period] = other
    chosen = [by_period[p] for p in sorted(by_period)]
    codes = request.GET.getlist("unit")[:MAX_SERIES_UNITS] or [r["code"] for r in ranking(campaign.official)[:3]]
    current = campaign.official.payload["units"]
    if any(code not in current for code in codes):
        raise Http404
    key = _key(campaign.official, "series", *(f"{c.pk}-{c.official_id}" for c in chosen), ",".join(codes))

    def draw():
        periods, series = [c.period for c in chosen], {"Trung vị": []}
        for code in codes:
            series[current[code]["name"]] = []
        for other in chosen:
            payload = other.official.payload
            root = payload["root"]
            values = [u["values"].get(root) for u in payload["units"].values() if u["values"].get(root) is not None]
            series["Trung vị"].append(statistics.median(values) if values else None)
            for code in codes:
                series[current[code]["name"]].append((payload["units"].get(code) or {}).get("values", {}).get(root))
        return charts.time_series(periods, series)

    return _svg(_cached(key, draw), campaign.status == Campaign.Status.PUBLISHED)


@require_GET
def chart_map(request, pk: int):
    """The units on a map: filled boundaries when the province's GeoJSON was uploaded, else dots on
    the units' centroids."""
    campaign, _staff_reader = _campaign(request, pk)
    snapshot = campaign.official
    payload = snapshot.payload
    node = _node(campaign, request)
    province = reports.province_unit()
    path = boundaries.path_for(province.code) if province is not None else None
    stamp = int(path.stat().st_mtime_ns) if path is not None and path.exists() else 0

    def draw():
        coordinates = {u.code: (u.latitude, u.longitude)
                       for u in Unit.objects.filter(code__in=list(payload["units"])).only("code", "latitude",
                                                                                          "longitude")}
        points = [(*coordinates.get(code, (None, None)), unit["values"].get(node), unit["name"], code)
                  for code, unit in payload["units"].items()]
        geojson = boundaries.load(province.code) if stamp else None
        return charts.commune_map(points, geojson, title=_names(payload).get(node, node))

    return _svg(_cached(_key(snapshot, "map", node, stamp), draw),
                campaign.status == Campaign.Status.PUBLISHED)


# -- reports --------------------------------------------------------------------------------------
def _filename(campaign: Campaign, suffix: str) -> str:
    from dxboard.core.text import fold

    stem = re.sub(r"[^a-z0-9]+", "-", fold(campaign.name)).strip("-")[:60] or "chi-so"
    return f"bao-cao-{stem}-{re.sub(r'[^0-9A-Za-z-]', '', campaign.period)}.{suffix}"


def _report_campaign(request, pk: int) -> Campaign:
    if not _staff(request.user):
        raise Http404
    campaign, _staff_reader = _campaign(request, pk)
    return campaign


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def report_docx(request, pk: int):
    campaign = _report_campaign(request, pk)
    return _attachment(reports.docx_report(campaign, campaign.official), DOCX_TYPE, _filename(campaign, "docx"))


@login_required
@require_GET
def report_pdf(request, pk: int):
    campaign = _report_campaign(request, pk)
    return _attachment(reports.pdf_report(campaign, campaign.official), "application/pdf",
                       _filename(campaign, "pdf"))


# -- boundary upload ------------------------------------------------------------------------------
class BoundaryForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Boundary file (GeoJSON)"),
                           help_text=gettext_lazy("A FeatureCollection of Polygons or MultiPolygons, each with the "
                                                  "commune's code in its properties (code, ma_xa or ma_dvhc); "
                                                  "at most 20 MB."))


@login_required
@require_http_methods(["GET", "POST"])
def boundary_upload(request):
    if not is_admin(request.user):
        raise Http404
    province = reports.province_unit()
    if province is None:
        raise Http404
    form = BoundaryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            boundaries.check_size(upload.size)
            data, summary = boundaries.validate(upload.read())
        except boundaries.BoundaryError as exc:
            form.add_error("file", str(exc))
        else:
            current = set(Unit.objects.current().filter(code__in=summary["codes"]).values_list("code", flat=True))
            text = boundaries.serialise(data)
            with transaction.atomic():  # the audit row and the file stand or fall together
                record(actor=request.user, action="index.upload_boundaries", obj=province,
                       after={"file": f"boundaries/{boundaries.path_for(province.code).name}",
                              "original_name": upload.name[:200], "sha256": hashlib.sha256(text).hexdigest(),
                              "size": len(text), "features": summary["features"], "with_code": summary["with_code"],
                              "matched_units": len(current), "vertices": summary["vertices"]})
                boundaries.store(province.code, text)
            messages.success(request, _("Boundaries saved: %(n)s features, %(m)s of them match units in force.")
                             % {"n": summary["features"], "m": len(current)})
            return redirect("index:boundary-upload")
    path = boundaries.path_for(province.code)
    stored = boundaries.load(province.code) if path.exists() else None
    return render(request, "index/boundary_upload.html", {
        "form": form, "province": province,
        "stored_features": len(stored.get("features", [])) if stored else 0,
    })
