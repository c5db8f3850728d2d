"""Pages of the IT registry. Thin: they ask `restrict()` what the person may see, call actions, render.
Another unit's system, data set, link or review is a 404 on every page and action."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxboard.accounts.permissions import EVERYTHING, is_admin, scope
from dxboard.core import imports

from . import actions, duplicates, excel, graph, portfolio
from .filtersets import SystemFilterSet
from .forms import CampaignForm, DataSetForm, ImportForm, LinkForm, ReviewForm, SystemForm, UsageForm
from .models import DataSet, Link, Review, ReviewCampaign, System


def _system(request, pk: int, action: str = "view") -> System:
    return get_object_or_404(System.objects.restrict(request.user, action).select_related(
        "owner", "operator", "origin"), pk=pk)


def _may_add(user) -> bool:
    allowed = scope(user, "add", System)
    return allowed is EVERYTHING or bool(allowed)


def _require_admin(request) -> None:
    if not is_admin(request.user):
        raise Http404


# -- registry ----------------------------------------------------------------------------------------
@login_required
@require_GET
def system_list(request):
    queryset = System.objects.restrict(request.user, "view").select_related("owner")
    filterset = SystemFilterSet(request.GET or None, queryset=queryset)
    systems = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    template = "itprojects/_system_table.html" if request.htmx else "itprojects/system_list.html"
    return render(request, template, {"filter": filterset, "systems": systems, "may_add": _may_add(request.user),
                                      "admin": is_admin(request.user)})


@login_required
def system_detail(request, pk: int):
    system = _system(request, pk)
    user = request.user
    may_change = System.objects.restrict(user, "change").filter(pk=pk).exists()
    may_usage = System.objects.restrict(user, "usage").filter(pk=pk).exists()
    visible = System.objects.restrict(user, "view")
    return render(request, "itprojects/system_detail.html", {
        "system": system, "may_change": may_change, "may_usage": may_usage,
        "may_delete": System.objects.restrict(user, "delete").filter(pk=pk).exists(),
        "datasets": system.datasets.all(),
        "links_out": system.links_out.select_related("target"),
        # incoming links from systems the reader cannot see are counted, not listed
        "links_in": system.links_in.filter(source__in=visible).select_related("source"),
        "links_in_hidden": system.links_in.exclude(source__in=visible).count(),
        "reviews": Review.objects.restrict(user, "view").filter(system=system).select_related("campaign"),
        "duplicates": duplicates.for_system(system, visible.select_related("owner")),
        "dataset_form": DataSetForm(), "link_form": LinkForm(source=system),
        "usage_share": portfolio.usage_share(system),
    })


@login_required
@require_http_methods(["GET", "POST"])
def system_create(request):
    if not _may_add(request.user):
        raise Http404
    form = SystemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            system = actions.create_system(acting_user=request.user, **form.cleaned_data)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("System registered."))
            return redirect("itprojects:system", system.pk)
    return render(request, "itprojects/system_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def system_edit(request, pk: int):
    system = _system(request, pk, "change")
    form = SystemForm(request.POST or None, instance=System.objects.get(pk=pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_system(acting_user=request.user, system=system,
                                  **{k: form.cleaned_data[k] for k in actions.SYSTEM_FIELDS})
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("itprojects:system", pk)
    return render(request, "itprojects/system_form.html", {"form": form, "system": system})


@login_required
@require_http_methods(["GET", "POST"])
def system_usage(request, pk: int):
    system = _system(request, pk, "usage")
    form = UsageForm(request.POST or None, instance=System.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        actions.report_usage(acting_user=request.user, system=system, **form.cleaned_data)
        messages.success(request, _("Usage figures saved."))
        return redirect("itprojects:system", pk)
    return render(request, "itprojects/usage_form.html", {"form": form, "system": system})


@login_required
@require_POST
def system_delete(request, pk: int):
    system = _system(request, pk, "delete")
    actions.delete_system(acting_user=request.user, system=system)
    messages.success(request, _("System removed from the registry."))
    return redirect("itprojects:systems")


@login_required
@require_POST
def dataset_add(request, pk: int):
    system = _system(request, pk, "change")
    form = DataSetForm(request.POST)
    if form.is_valid():
        try:
            actions.add_dataset(acting_user=request.user, system=system, **form.cleaned_data)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Give the data set a name."))
    return redirect("itprojects:system", pk)


@login_required
@require_POST
def dataset_remove(request, pk: int):
    dataset = get_object_or_404(DataSet.objects.restrict(request.user, "change").select_related("system"), pk=pk)
    actions.remove_dataset(acting_user=request.user, dataset=dataset)
    return redirect("itprojects:system", dataset.system_id)


@login_required
@require_POST
def link_add(request, pk: int):
    system = _system(request, pk, "change")
    form = LinkForm(request.POST, source=system)
    if form.is_valid():
        try:
            actions.add_link(acting_user=request.user, source=system, **form.cleaned_data)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Data link recorded."))
    else:
        messages.error(request, _("Check the data link: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("itprojects:system", pk)


@login_required
@require_POST
def link_remove(request, pk: int):
    link = get_object_or_404(Link.objects.restrict(request.user, "change").select_related("source"), pk=pk)
    actions.remove_link(acting_user=request.user, link=link)
    return redirect("itprojects:system", link.source_id)


# -- Excel --------------------------------------------------------------------------------------------
def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def export_xlsx(request):
    queryset = System.objects.restrict(request.user, "view").select_related("owner", "operator", "origin")
    filterset = SystemFilterSet(request.GET or None, queryset=queryset)
    systems = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    return _attachment(excel.export_workbook(systems), f"he-thong-cntt-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_xlsx(request):
    """Upload → preview (problems per row and column) → confirm (all or nothing), through core.imports. The
    confirm may also come to `import-apply`, the address it had before the shared pipeline."""
    if not _may_add(request.user):
        raise Http404

    def done(request, saved):
        messages.success(request, _("%(n)s rows of the file were saved.") % {"n": saved})
        return redirect("itprojects:systems")

    form = ImportForm(request.POST or None, request.FILES or None)
    response = imports.handle(request, excel.RegistryImporter(request.user), form=form,
                              template="itprojects/import.html", context_of=lambda form: {}, done=done,
                              refused_errors=(actions.ActionError,))
    if request.method == "POST" and not request.POST.get("token") and form.errors:
        response.status_code = 400  # no file, or one the upload check refused: nothing was read
    return response


# -- portfolio ----------------------------------------------------------------------------------------
@login_required
@require_GET
def portfolio_view(request):
    queryset = System.objects.restrict(request.user, "view")
    summary = portfolio.summary(queryset, timezone.localdate())
    return render(request, "itprojects/portfolio.html", {"s": summary, "admin": is_admin(request.user)})


@login_required
@require_GET
def graph_svg(request):
    systems = list(System.objects.restrict(request.user, "view"))
    links = Link.objects.filter(source__in=[s.pk for s in systems]).select_related("target")
    response = HttpResponse(graph.render(systems, links), content_type="image/svg+xml; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def graph_page(request):
    systems = System.objects.restrict(request.user, "view")
    links = Link.objects.filter(source__in=systems).select_related("source", "target")
    return render(request, "itprojects/graph.html", {"links": links})


@login_required
@require_GET
def duplicate_list(request):
    systems = System.objects.restrict(request.user, "view").select_related("owner", "origin")
    return render(request, "itprojects/duplicates.html", {"pairs": duplicates.candidates(systems)})


# -- review -------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request):
    form = CampaignForm(request.POST or None, initial={"year": timezone.localdate().year,
                                                       "deadline": datetime.date(timezone.localdate().year, 12, 15)})
    if request.method == "POST":
        _require_admin(request)
        if form.is_valid():
            try:
                campaign = actions.open_review_campaign(acting_user=request.user, **form.cleaned_data)
            except actions.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Review campaign opened."))
                return redirect("itprojects:campaign", campaign.year)
    return render(request, "itprojects/campaign_list.html", {
        "campaigns": ReviewCampaign.objects.all(), "form": form, "admin": is_admin(request.user)})


@login_required
@require_GET
def campaign_detail(request, year: int):
    campaign = get_object_or_404(ReviewCampaign, year=year)
    reviews = (Review.objects.restrict(request.user, "view").filter(campaign=campaign)
               .select_related("system__owner"))
    if not reviews.exists() and not is_admin(request.user):
        raise Http404
    counts = {s: 0 for s in Review.Status.values}
    for r in reviews:
        counts[r.status] += 1
    return render(request, "itprojects/campaign_detail.html", {
        "campaign": campaign, "reviews": reviews, "counts": counts, "admin": is_admin(request.user),
        "status_labels": dict(Review.Status.choices)})


@login_required
@require_POST
def campaign_close(request, year: int):
    _require_admin(request)
    campaign = get_object_or_404(ReviewCampaign, year=year)
    actions.close_review_campaign(acting_user=request.user, campaign=campaign)
    return redirect("itprojects:campaign", year)


@login_required
@require_POST
def campaign_add_missing(request, year: int):
    _require_admin(request)
    campaign = get_object_or_404(ReviewCampaign, year=year, status=ReviewCampaign.Status.OPEN)
    n = actions.add_missing_to_campaign(acting_user=request.user, campaign=campaign)
    messages.success(request, _("%(n)s systems added to the campaign.") % {"n": n})
    return redirect("itprojects:campaign", year)


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    review = get_object_or_404(Review.objects.restrict(request.user, "view").select_related(
        "campaign", "system__owner", "merge_with"), pk=pk)
    admin = is_admin(request.user)
    form = ReviewForm(request.POST or None, instance=Review.objects.get(pk=pk)) if admin else None
    if request.method == "POST":
        if not admin:
            raise Http404
        if form.is_valid():
            try:
                review = actions.save_review(acting_user=request.user, review=review,
                                             complete=request.POST.get("complete") == "1",
                                             **{k: form.cleaned_data[k] for k in form.Meta.fields})
            except actions.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Review completed.") if review.status == Review.Status.DONE
                                 else _("Review saved."))
                return redirect("itprojects:review", pk)
    system = review.system
    visible = System.objects.restrict(request.user, "view")
    return render(request, "itprojects/review.html", {
        "review": review, "system": system, "form": form, "admin": admin,
        "editable": admin and review.campaign.status == ReviewCampaign.Status.OPEN,
        "facts": {
            "usage_share": portfolio.usage_share(system), "cost_per_transaction": system.cost_per_transaction,
            "security_current": portfolio.security_current(system, timezone.localdate()),
            "links_out": system.links_out.count(), "links_in": system.links_in.count(),
        },
        "duplicates": duplicates.for_system(system, visible.select_related("owner")),
        "follow_up": actions.follow_up_payload(review),
    })


@login_required
@require_POST
def review_to_task(request, pk: int):
    """The standing office turns a review's follow-up into a steering task."""
    if not is_admin(request.user):
        raise Http404
    review = get_object_or_404(Review.objects.select_related("system__owner", "campaign"), pk=pk)
    try:
        task = actions.make_steering_task(acting_user=request.user, review=review)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect("itprojects:review", pk)
    return redirect("steering:task", task.pk)
