import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from dxboard.accounts.models import Membership
from dxboard.accounts.permissions import can

from .filtersets import UnitFilterSet
from .history import predecessors, successors
from .models import Unit


def tree(request):
    """Units as of a date (today by default), as a tree or a filtered list."""
    params = request.GET.copy()
    if not params.get("as_of"):
        params["as_of"] = timezone.localdate().isoformat()
    filterset = UnitFilterSet(params, queryset=Unit.objects.select_related("parent"))
    units = list(filterset.qs) if filterset.is_valid() else []
    as_of = filterset.form.cleaned_data.get("as_of") if filterset.is_valid() else timezone.localdate()
    filtered = any(params.get(k) for k in ("kind", "parent", "q"))
    roots = []
    if not filtered:
        by_parent: dict[int | None, list[Unit]] = {}
        ids = {u.pk for u in units}
        for unit in units:
            by_parent.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
        for unit in units:
            unit.tree_children = sorted(by_parent.get(unit.pk, []), key=lambda u: (u.kind, u.name))
        roots = sorted(by_parent.get(None, []), key=lambda u: (u.kind, u.name))
    template = "units/_unit_list.html" if request.htmx else "units/tree.html"
    return render(request, template, {
        "filterset": filterset, "units": units, "roots": roots, "filtered": filtered,
        "as_of": as_of or datetime.date.today(),
    })


def detail(request, code: str):
    unit = get_object_or_404(Unit.objects.select_related("parent"), code=code)
    return render(request, "units/detail.html", {
        "unit": unit,
        "children": unit.children.order_by("kind", "name"),
        "predecessors": predecessors(unit),
        "successors": successors(unit),
        # the link only for those who may open it (the list answers 404 to anyone else)
        "members_shown": can(request.user, "view", unit, Membership),
    })


@login_required
def members(request, code: str):
    """Who acts for a unit. Scoped by the permission mechanism: another unit's list is a 404."""
    unit = get_object_or_404(Unit, code=code)
    if not can(request.user, "view", unit, Membership):
        raise Http404
    found = Membership.objects.restrict(request.user, "view").filter(unit=unit).select_related("user")
    return render(request, "units/members.html", {"unit": unit, "memberships": found})
