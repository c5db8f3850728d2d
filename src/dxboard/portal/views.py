"""Public pages: only published results, scorecards and methods; no personal data, no drafts."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_page
from django.views.decorators.vary import vary_on_cookie

from dxboard.index.models import Campaign
from dxboard.index.results import ranking
from dxboard.index.views import framework_tree, previous_official, scorecard_data

# Published results change only when a leader publishes: a short cache absorbs the rush after.
PUBLIC_CACHE_SECONDS = 60


def _published():
    return Campaign.objects.filter(status=Campaign.Status.PUBLISHED, official__isnull=False).select_related(
        "framework", "official")


@cache_page(PUBLIC_CACHE_SECONDS)
@vary_on_cookie
def home(request):
    return render(request, "portal/home.html", {"campaigns": _published().order_by("-period", "name")})


@cache_page(PUBLIC_CACHE_SECONDS)
@vary_on_cookie
def ranking_page(request, pk: int):
    campaign = get_object_or_404(_published(), pk=pk)
    snapshot = campaign.official
    node = request.GET.get("node") or snapshot.payload["root"]
    if node not in [snapshot.payload["root"], *snapshot.payload["main"]]:
        node = snapshot.payload["root"]
    nodes = [n for n in snapshot.payload["nodes"] if n["code"] in [snapshot.payload["root"], *snapshot.payload["main"]]]
    return render(request, "portal/ranking.html", {
        "campaign": campaign, "snapshot": snapshot, "rows": ranking(snapshot, node, previous_official(campaign)),
        "nodes": nodes, "node": node})


@cache_page(PUBLIC_CACHE_SECONDS)
@vary_on_cookie
def scorecard(request, pk: int, code: str):
    campaign = get_object_or_404(_published(), pk=pk)
    return render(request, "portal/scorecard.html", {"campaign": campaign, **scorecard_data(campaign.official, code)})


@cache_page(PUBLIC_CACHE_SECONDS)
@vary_on_cookie
def method(request, pk: int):
    campaign = get_object_or_404(_published(), pk=pk)
    return render(request, "portal/method.html", {"campaign": campaign, "framework": campaign.framework,
                                                  "rows": framework_tree(campaign.framework)})
