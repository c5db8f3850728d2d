"""Public pages: only published results, scorecards and methods; no personal data, no drafts.

Caching. Every page carries the visitor's CSRF token (language switcher, HTMX headers) and so sets the CSRF
cookie: a whole page can never be shared between visitors (cache_page stores nothing for a response that
sets a cookie to a visitor without one, and keys the others by their cookies). What is shared is the costly
part, the ranking table built from the snapshot (every unit): cached per process under a key carrying the
publication stamp, so that a publication made through any process shows at once in all of them.
"""

import functools
import hashlib
from types import SimpleNamespace

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.cache import cache_page
from django.views.decorators.vary import vary_on_cookie

from dxboard.index.models import Campaign, ResultSnapshot
from dxboard.index.results import not_submitted, ranking
from dxboard.index.views import framework_tree, previous_official, scorecard_data

# Published results change only when a leader publishes: a short cache absorbs the rush after.
PUBLIC_CACHE_SECONDS = 60


_STAMPED = ("pk", "status", "name", "official_id", "published_at", "grade_bands", "framework_id")


def _official_campaigns() -> list[tuple]:
    """What the public pages depend on: the campaigns holding an official result (status, name, result,
    publication, grade bands). One small query."""
    return list(Campaign.objects.filter(official__isnull=False).order_by("pk").values_list(*_STAMPED))


def publication_stamp(rows: list[tuple] | None = None) -> str:
    """A digest of `_official_campaigns()`: it changes with anything the public pages show."""
    return hashlib.sha256(repr(_official_campaigns() if rows is None else rows).encode()).hexdigest()[:16]


def public_cache(view):
    """`cache_page` keyed by the publication stamp. Each app process keeps its own cache, so a key by URL
    alone would let a process serve the old page for up to PUBLIC_CACHE_SECONDS after a publication made
    through another one; with the stamp in the key, every process sees a publication at its next request."""
    by_stamp: dict = {}

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        stamp = publication_stamp()
        cached = by_stamp.get(stamp)
        if cached is None:
            by_stamp.clear()  # an older stamp is never asked for again
            cached = by_stamp[stamp] = cache_page(PUBLIC_CACHE_SECONDS, key_prefix=f"portal-{stamp}")(
                vary_on_cookie(view))
        return cached(request, *args, **kwargs)

    return wrapper


def _published():
    return Campaign.objects.filter(status=Campaign.Status.PUBLISHED, official__isnull=False).select_related(
        "framework", "official")


@public_cache
def home(request):
    return render(request, "portal/home.html", {"campaigns": _published().order_by("-period", "name")})


def _snapshot_meta(snapshot_id: int) -> dict:
    """What the ranking page needs from a snapshot's payload besides the table (a snapshot never changes:
    cached by its id, so a page served from the cache does not read the payload of every unit)."""
    key = f"portal:snapshot:{snapshot_id}"
    meta = cache.get(key)
    if meta is None:
        payload = ResultSnapshot.objects.values_list("payload", flat=True).get(pk=snapshot_id)
        shown = [payload["root"], *payload["main"]]
        meta = {"root": payload["root"], "shown": shown,
                "nodes": [n for n in payload["nodes"] if n["code"] in shown]}
        cache.set(key, meta, 24 * 3600)
    return meta


def ranking_page(request, pk: int):
    # The stamp's query also gives what the page shows of the campaign: one query when the table is cached.
    rows = _official_campaigns()
    found = [dict(zip(_STAMPED, r, strict=True)) for r in rows
             if r[0] == pk and r[1] == Campaign.Status.PUBLISHED]
    if not found:
        raise Http404
    campaign = SimpleNamespace(**found[0])
    meta = _snapshot_meta(campaign.official_id)
    node = request.GET.get("node") or meta["root"]
    if node not in meta["shown"]:
        node = meta["root"]
    key = f"portal:ranking:{pk}:{publication_stamp(rows)}:{node}:{get_language()}"
    table = cache.get(key)
    if table is None:
        full = Campaign.objects.select_related("official").get(pk=pk)
        table = render_to_string("portal/_ranking_rows.html", {
            "campaign": full, "rows": ranking(full.official, node, previous_official(full)),
            "not_submitted": not_submitted(full.official)})
        cache.set(key, table, PUBLIC_CACHE_SECONDS)
    return render(request, "portal/ranking.html", {
        "campaign": campaign, "nodes": meta["nodes"], "node": node, "table": mark_safe(table)})  # noqa: S308 — our own autoescaped render


@public_cache
def scorecard(request, pk: int, code: str):
    campaign = get_object_or_404(_published(), pk=pk)
    return render(request, "portal/scorecard.html", {"campaign": campaign, **scorecard_data(campaign.official, code)})


@public_cache
def method(request, pk: int):
    campaign = get_object_or_404(_published(), pk=pk)
    return render(request, "portal/method.html", {"campaign": campaign, "framework": campaign.framework,
                                                  "rows": framework_tree(campaign.framework)})
