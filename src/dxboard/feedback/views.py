"""Pages of citizen feedback: the citizen's (report, follow, rate, reopen, forget), the public list,
and the office's queue and report page. Thin: parse, restrict, call actions, render."""

import secrets
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dxboard.core.client import client_address

from . import actions, basemap, duplicates, figures, ranges, routing
from .filtersets import PublicReportFilterSet, ReportFilterSet
from .forms import (
    AnswerForm,
    ClassifyForm,
    ExtensionForm,
    NoteForm,
    RateForm,
    ReopenForm,
    ReportForm,
    ReturnForm,
    RouteForm,
)
from .models import Category, ConsentVersion, Extension, Photo, Report, Status
from .publication import content_public, publish

DEVICE_COOKIE = "fb_device"
# The reporter's access key, once exchanged for this cookie (see `follow`), scoped to the report's pages.
KEY_COOKIE = "fb_key"
KEY_COOKIE_AGE = 365 * 86400


def _device(request) -> str:
    return request.COOKIES.get(DEVICE_COOKIE, "")[:64]


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# -- citizens --------------------------------------------------------------------------------------
def home(request):
    code = request.GET.get("code", "").strip().upper()
    if code:
        return redirect("feedback:follow", code)
    return render(request, "feedback/home.html", {})


@never_cache
def new(request):
    consent = ConsentVersion.current()
    form = ReportForm(request.POST or None, request.FILES or None,
                      initial={"idempotency_key": str(uuid.uuid4())})
    status = 400
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                report, created = actions.submit(
                    category=d["category"], description=d["description"], idempotency_key=d["idempotency_key"],
                    consent=consent if d["consent"] else None, latitude=d["latitude"], longitude=d["longitude"],
                    commune=d["commune"], address=d["address"], location_source=d["location_source"][:10],
                    name=d["name"], phone=d["phone"], email=d["email"], photos=d["photos"],
                    device_id=_device(request), ip=client_address(request))
            except actions.FeedbackError as exc:
                if _wants_json(request):
                    return JsonResponse({"errors": [str(exc)]}, status=exc.status)
                form.add_error(None, str(exc))
                status = exc.status  # 503 when the disk is full: the phone's outbox tries again later
            else:
                # The access key travels in the follow link (kept by the phone's outbox, or followed by
                # the redirect); `follow` exchanges it for a cookie and drops it from the address.
                url = reverse("feedback:follow", args=[report.code]) + f"?k={report.access_key}"
                if _wants_json(request):
                    return JsonResponse({"code": report.code, "url": url, "created": created})
                return redirect(url)
        elif _wants_json(request):
            return JsonResponse({"errors": _labelled_errors(form), "fields": form.errors.get_json_data()},
                                status=400)
    categories = Category.objects.filter(active=True)
    response = render(request, "feedback/new.html", {"form": form, "consent": consent, "categories": categories,
                                                      "basemap": basemap.province_map()},
                      status=status if form.errors else 200)
    if not _device(request):
        response.set_cookie(DEVICE_COOKIE, secrets.token_hex(16), max_age=3 * 365 * 86400, httponly=True,
                            samesite="Lax", secure=request.is_secure())
    return response


def _labelled_errors(form) -> list[str]:
    """The form's errors, each named by its field's label (the citizen never reads a field's key); the page
    also shows each one beside its field, from `fields` (keyed by the field, for the page's script only)."""
    return [f"{form[name].label}: {error}" if name in form.fields else str(error)
            for name, errors in form.errors.items() for error in errors]


def _citizen_key(request, report) -> bool:
    """Has this browser proved it is the reporter (the access key in the report's cookie, or posted)?"""
    given = request.COOKIES.get(KEY_COOKIE) or request.POST.get("k")
    return bool(given) and secrets.compare_digest(given, report.access_key)


def _key_exchange(request, report):
    """A link with the access key (?k=…, as the platform sends it): set the report's key cookie and send the
    browser to the address without the key, so the key stays out of access logs, history and referrers."""
    url = reverse("feedback:follow", args=[report.code])
    rest = request.GET.copy()
    given = rest.pop("k", [""])[0]
    response = redirect(url + (f"?{rest.urlencode()}" if rest else ""))
    if given and secrets.compare_digest(given, report.access_key):
        response.set_cookie(KEY_COOKIE, given, max_age=KEY_COOKIE_AGE, path=url, httponly=True, samesite="Lax",
                            secure=request.is_secure())
    return response


def _public_report(code):
    report = get_object_or_404(Report.objects.select_related("category", "commune", "unit", "merged_into"),
                               code=code)
    return report


def _not_found(request, code):
    """A mistyped (or hidden) tracking code: say so in the citizen's pages, with the lookup form again."""
    return render(request, "feedback/not_found.html", {"code": code}, status=404)


@never_cache
def follow(request, code):
    report = Report.objects.select_related("category", "commune", "unit", "merged_into").filter(code=code).first()
    if report is None:
        return _not_found(request, code)
    if "k" in request.GET:
        return _key_exchange(request, report)
    owner = _citizen_key(request, report)
    if report.hidden and not owner:
        return _not_found(request, code)
    shown = report.merged_into or report
    answer = actions.latest_answer(shown)
    rated = answer is not None and hasattr(answer, "rating")
    # Everything the page shows of the report goes through publish(): public fields only, and of those only
    # what the report lets the public read (publication.py); the reporter reads all of its public fields.
    context = publish({
        "report": report, "shown": shown, "show_content": owner or report.content_public,
        "events": list(report.events.filter(public=True).select_related("unit", "report__category")),
        "answer": answer, "rated": rated,
        "evidence": list(answer.evidence.all()) if answer and (owner or not report.category.sensitive) else [],
    }, reporter=owner) | {
        "owner": owner,
        "can_rate": owner and answer is not None and not rated and shown == report
        and report.status == Status.ANSWERED,
        "can_reopen": owner and answer is not None and shown == report
        and report.status in (Status.ANSWERED, Status.CLOSED),
        "rate_form": RateForm(), "reopen_form": ReopenForm(auto_id="reopen_%s"),  # both have `reason`
        "personal_anonymised": owner and getattr(getattr(report, "personal", None), "anonymised_at", None),
    }
    return render(request, "feedback/follow.html", context)


def _citizen_post(request, code):
    report = _public_report(code)
    if not _citizen_key(request, report):
        raise Http404
    return report


def _back(report):
    return redirect(reverse("feedback:follow", args=[report.code]))


@require_POST
def rate(request, code):
    report = _citizen_post(request, code)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            actions.rate(report, score=form.cleaned_data["score"], reason=form.cleaned_data["reason"])
            messages.success(request, _("Thank you for your rating."))
        except actions.FeedbackError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Please choose a score from 1 to 5."))
    return _back(report)


@require_POST
def reopen(request, code):
    report = _citizen_post(request, code)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            actions.reopen(report, reason=form.cleaned_data["reason"])
            messages.success(request, _("The report is open again and back with the unit."))
        except actions.FeedbackError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Please say what is not solved."))
    return _back(report)


@require_POST
def forget(request, code):
    report = _citizen_post(request, code)
    actions.forget_reporter(report)
    messages.success(request, _("Your personal data was deleted; the report stays, without your name."))
    return _back(report)


def photo(request, uid, code=None):
    """A photo: public when its report's content is (Report.content_public; an answer's evidence when the
    report is public and not sensitive), else only to the people who may see the report, or to its reporter
    through the copy under the report's address (`code`, where the key cookie is sent; a merged report's
    reporter also sees the answer of the report it was merged into)."""
    p = get_object_or_404(Photo.objects.select_related("report__category"), uid=uid)
    report = p.report
    if code is not None:
        page = _public_report(code)
        if p.report_id not in (page.pk, page.merged_into_id) or not _citizen_key(request, page):
            raise Http404
    elif not _public_photo(p) and not (request.user.is_authenticated
                                       and actions.visible_reports(request.user).filter(pk=report.pk).exists()):
        raise Http404
    response = ranges.media_response(request, p.file, p.content_type, etag=p.sha256)
    if p.content_type == "application/pdf":
        response["Content-Disposition"] = f'attachment; filename="{p.uid}.pdf"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _public_photo(p: Photo) -> bool:
    report = p.report
    if p.role == Photo.Role.REPORT:
        return report.content_public
    return report.is_public and not report.category.sensitive


def public(request):
    base = (Report.objects.filter(content_public(), status__in=[Status.ANSWERED, Status.CLOSED],
                                  merged_into__isnull=True)
            .select_related("category", "commune", "unit").order_by("-answered_at"))
    filterset = PublicReportFilterSet(request.GET or None, queryset=base)
    reports = filterset.qs
    page = Paginator(reports, 30).get_page(request.GET.get("page"))
    points = [(r, *r.public_location()) for r in publish(list(reports[:500]))]
    table = figures.cached_table()
    # Reports, units and categories reach the page through publish(): public fields only (publication.py).
    context = {"filterset": filterset, "page": page, "reports": publish(list(page)),
               "map": map_points([(r, la, lo) for r, la, lo in points if la is not None]),
               "figures": {"units": publish(list(table["units"])), "categories": publish(list(table["categories"]))}}
    return render(request, "feedback/public.html", context)


def map_points(points, width=360, height=300):
    """Reports as dots on the communes' map (basemap.py), or scaled into a bare box when no commune
    has a centroid. Nothing is loaded from another host."""
    if not points:
        return None
    drawn = basemap.province_map()
    if drawn:
        r = round(drawn["width"] / 80, 3)  # about 4.5 px on a phone, whatever the province's size
        dots = [{"report": rep, "x": round(x, 3), "y": round(y, 3)}
                for rep, la, lo in points for x, y in [basemap.project(drawn, la, lo)]]
        return {"x0": drawn["x0"], "y0": drawn["y0"], "width": drawn["width"], "height": drawn["height"],
                "cells": drawn["cells"], "dots": dots, "r": r}
    lats, lons = [p[1] for p in points], [p[2] for p in points]
    la0, la1, lo0, lo1 = min(lats), max(lats), min(lons), max(lons)
    span_la, span_lo = max(la1 - la0, 0.01), max(lo1 - lo0, 0.01)
    pad = 12
    dots = [{"report": r, "x": round(pad + (lo - lo0) / span_lo * (width - 2 * pad), 1),
             "y": round(height - pad - (la - la0) / span_la * (height - 2 * pad), 1)} for r, la, lo in points]
    return {"x0": 0, "y0": 0, "width": width, "height": height, "dots": dots, "r": 5}


# PNGs for installers (Android needs 192 and 512, one maskable); drawn by scripts/feedback_icons.py.
ICONS = [("icon-192.png", "192x192", "image/png", "any"), ("icon-512.png", "512x512", "image/png", "any"),
         ("icon-maskable-512.png", "512x512", "image/png", "maskable"), ("icon.svg", "any", "image/svg+xml", "any")]


def manifest(request):
    from .models import province_name

    data = {"name": f"Phản ánh, kiến nghị — {province_name()}".rstrip(" —"), "short_name": "PAKN", "lang": "vi",
            "start_url": reverse("feedback:home"), "scope": reverse("feedback:home"), "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#0b5394",
            "icons": [{"src": static(f"feedback/{name}"), "sizes": sizes, "type": kind, "purpose": purpose}
                      for name, sizes, kind, purpose in ICONS]}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def service_worker(request):
    """Served from /feedback/ so that its scope covers the citizen's pages."""
    from django.contrib.staticfiles import finders

    path = finders.find("feedback/sw.js")
    with open(path, "rb") as f:
        body = f.read()
    response = HttpResponse(body, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


# -- the office ------------------------------------------------------------------------------------
@login_required
def queue(request):
    user = request.user
    intake = actions.is_intake(user)
    base = actions.visible_reports(user).select_related("category", "commune", "unit")
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        chosen = list(base.filter(pk__in=ids))
        op = request.POST.get("bulk")
        done = 0
        for report in chosen:
            try:
                if op == "route":
                    unit_form = RouteForm(request.POST)
                    if unit_form.is_valid():
                        actions.route(report, unit_form.cleaned_data["unit"], acting_user=user)
                        done += 1
                elif op == "hide":
                    actions.hide(report, acting_user=user, reason=request.POST.get("reason", ""))
                    done += 1
            except actions.FeedbackError as exc:
                messages.error(request, f"{report.code}: {exc}")
        if done:
            messages.success(request, _("%(n)s reports updated.") % {"n": done})
        return redirect(request.get_full_path())
    filterset = ReportFilterSet(request.GET or None, queryset=base)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    points = [(r, r.latitude, r.longitude) for r in filterset.qs[:500] if r.latitude is not None]
    return render(request, "feedback/queue.html", {"filterset": filterset, "page": page, "intake": intake,
                                                   "route_form": RouteForm(), "map": map_points(points)})


def _office_report(request, pk):
    qs = actions.visible_reports(request.user).select_related("category", "commune", "unit", "merged_into")
    return get_object_or_404(qs.prefetch_related(Prefetch("photos")), pk=pk)


@login_required
def office_report(request, pk):
    report = _office_report(request, pk)
    intake = actions.is_intake(request.user)
    suggestion = None
    if intake and report.is_open:
        try:
            suggestion = routing.suggest(report)
        except Exception:  # a model that cannot be trained must never break the page
            suggestion = None
    rule_unit = actions.rule_unit(report.category, report.commune) if intake else None
    context = {
        "report": report, "intake": intake, "handler": actions.can_handle(request.user, report),
        "personal": getattr(report, "personal", None) if intake else None,
        "events": report.events.select_related("actor", "unit"),
        "assignments": report.assignments.select_related("unit"),
        "answers": report.answers.prefetch_related("evidence"),
        "extensions": Extension.objects.filter(assignment__report=report),
        "rule_unit": rule_unit,
        "suggestion": suggestion, "duplicates": duplicates.candidates(report) if intake and report.is_open else [],
        "route_form": RouteForm(initial={"unit": suggestion.unit if suggestion else rule_unit,
                                         "urgent": report.urgent}),
        "answer_form": AnswerForm(initial={"text": report.category.response_template}),
        "note_form": NoteForm(), "extension_form": ExtensionForm(), "mod_form": NoteForm(auto_id="mod_%s"),
        "return_form": ReturnForm(auto_id="ret_%s"),
        "classify_form": ClassifyForm(initial={"category": report.category}),
    }
    return render(request, "feedback/office_report.html", context)


@login_required
@require_POST
def office_action(request, pk):
    report = _office_report(request, pk)
    user, op, post = request.user, request.POST.get("action", ""), request.POST
    try:
        if op == "classify":
            form = ClassifyForm(post)
            if not form.is_valid():
                raise actions.FeedbackError(gettext_noop("Please choose a category."))
            actions.classify(report, form.cleaned_data["category"], acting_user=user)
        elif op == "route":
            form = RouteForm(post)
            if not form.is_valid():
                raise actions.FeedbackError(gettext_noop("Please choose a unit."))
            suggestion = routing.suggest(report) if actions.is_intake(user) else None
            actions.route(report, form.cleaned_data["unit"], acting_user=user, note=form.cleaned_data["note"],
                          suggested_unit=suggestion.unit if suggestion else None,
                          confidence=suggestion.confidence if suggestion else None,
                          urgent=form.cleaned_data["urgent"])
        elif op == "return":
            actions.return_to_intake(report, acting_user=user, reason=post.get("reason", ""))
        elif op == "start":
            actions.start(report, acting_user=user)
        elif op == "wait":
            actions.wait_for_citizen(report, acting_user=user, note=post.get("note", ""))
        elif op == "resume":
            actions.resume(report, acting_user=user)
        elif op == "answer":
            form = AnswerForm(post, request.FILES)
            if not form.is_valid():
                raise actions.FeedbackError(gettext_noop("Please write the answer."))
            actions.answer(report, acting_user=user, text=form.cleaned_data["text"],
                           evidence=form.cleaned_data["evidence"])
        elif op == "reject":
            actions.reject(report, acting_user=user, reason=post.get("note", ""))
        elif op == "hide":
            actions.hide(report, acting_user=user, reason=post.get("note", ""))
        elif op == "approve":
            actions.approve(report, acting_user=user)
        elif op == "merge":
            into = get_object_or_404(actions.visible_reports(user), pk=post.get("into"))
            actions.merge(report, into, acting_user=user)
        elif op == "extension":
            form = ExtensionForm(post)
            if not form.is_valid():
                raise actions.FeedbackError(gettext_noop("Please give a number of days and a reason."))
            actions.request_extension(report, acting_user=user, **form.cleaned_data)
        elif op in ("extension_approve", "extension_refuse"):
            ext = get_object_or_404(Extension.objects.filter(assignment__report=report), pk=post.get("extension"))
            actions.decide_extension(ext, acting_user=user, approve=op == "extension_approve")
        elif op == "forget" and actions.is_intake(user):
            actions.forget_reporter(report, acting_user=user)
        else:
            raise Http404
    except actions.FeedbackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    if not actions.visible_reports(user).filter(pk=report.pk).exists():
        return redirect("feedback:queue")  # returned to the intake office: no longer the officer's
    return redirect("feedback:office", report.pk)


@login_required
def routing_quality(request):
    if not actions.is_intake(request.user):
        raise Http404
    return render(request, "feedback/routing.html", {"held_out": routing.evaluate(),
                                                     "decisions": routing.decision_accuracy()})


# -- settings (intake office) ----------------------------------------------------------------------
def _require_intake(request):
    if not actions.is_intake(request.user):
        raise Http404


@login_required
def settings_page(request):
    from .forms import ApiClientForm, ConsentForm, RuleForm
    from .models import ApiClient, RoutingRule

    _require_intake(request)
    rule_form, consent_form, client_form = RuleForm(), ConsentForm(), ApiClientForm()
    new_key = None
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "rule":
                rule_form = RuleForm(request.POST)
                if rule_form.is_valid():
                    actions.set_rule(acting_user=request.user, **rule_form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("feedback:settings")
            elif op == "rule_delete":
                rule = get_object_or_404(RoutingRule, pk=request.POST.get("rule"))
                actions.delete_rule(rule, acting_user=request.user)
                return redirect("feedback:settings")
            elif op == "consent":
                consent_form = ConsentForm(request.POST)
                if consent_form.is_valid():
                    actions.publish_consent(acting_user=request.user, **consent_form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("feedback:settings")
            elif op == "client":
                client_form = ApiClientForm(request.POST)
                if client_form.is_valid():
                    _client, new_key = actions.create_api_client(client_form.cleaned_data["name"],
                                                                 acting_user=request.user)
                    client_form = ApiClientForm()
        except actions.FeedbackError as exc:
            messages.error(request, str(exc))
    context = {"categories": Category.objects.all(),
               "rules": RoutingRule.objects.select_related("category", "commune", "unit")
               .order_by("category__name", "commune__name"),
               "consents": ConsentVersion.objects.all(), "clients": ApiClient.objects.order_by("name"),
               "rule_form": rule_form, "consent_form": consent_form, "client_form": client_form,
               "new_key": new_key}
    return render(request, "feedback/settings.html", context)


@login_required
def category_edit(request, pk=None):
    from .forms import CategoryForm

    _require_intake(request)
    category = get_object_or_404(Category, pk=pk) if pk else None
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_category(form.save(commit=False), acting_user=request.user)
        except actions.FeedbackError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("feedback:settings")
    return render(request, "feedback/category_form.html", {"form": form, "category": category})
