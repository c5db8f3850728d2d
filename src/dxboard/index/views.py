"""Pages of the index. Thin: they parse, ask `restrict()` what the person may see, call actions, render."""

import datetime
import statistics

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q, Sum, prefetch_related_objects
from django.db.models.fields.json import KeyTextTransform
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import can, is_admin, roles
from dxboard.core import imports
from dxboard.core.i18n import Message
from dxboard.core.uploads import UploadError, check_text_upload, check_upload

from . import actions
from .forms import CampaignForm, EvidenceForm, FrameworkImportForm, ReviewForm
from .frameworks import FRAMEWORK_IMPORT
from .models import Answer, Appeal, Campaign, Evidence, Framework, Submission
from .results import DEFAULT_BANDS, not_submitted, ranking


def _is_staff_reader(user) -> bool:
    """Standing office and leaders read every campaign."""
    return is_admin(user) or Role.LEADER in roles(user)


def _require_admin(request):
    if not is_admin(request.user):
        raise Http404


# -- lists and frameworks -------------------------------------------------------------------------
@login_required
def campaign_list(request):
    staff = _is_staff_reader(request.user)
    campaigns = Campaign.objects.select_related("framework").annotate(n_units=Count("submissions")) if staff else []
    submissions = (Submission.objects.restrict(request.user, "view").select_related("campaign", "unit")
                   .order_by("-campaign__period", "unit__name"))
    return render(request, "index/campaign_list.html", {"campaigns": campaigns, "submissions": submissions,
                                                        "staff": staff, "admin": is_admin(request.user)})


@login_required
def framework_list(request):
    """The frameworks, and for the office their import: upload → preview → confirm through core.imports."""
    if not _is_staff_reader(request.user):
        raise Http404
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    page = {"form": form, "admin": is_admin(request.user), "importer": FRAMEWORK_IMPORT}
    if request.method == "POST":
        _require_admin(request)
        if request.POST.get("token"):
            return _confirm_framework(request)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # A workbook goes through the upload check (content, zip bomb, size); YAML through the text one.
                content = (check_upload(upload, allowed=("xlsx",)).content.read()
                           if upload.name.lower().endswith(".xlsx") else
                           check_text_upload(upload, (".yaml", ".yml", ".csv", ".xlsx")))
            except UploadError as exc:
                form.add_error("file", str(exc))
            else:
                context = {"name": upload.name} | {k: v.isoformat() if isinstance(v, datetime.date) else v
                                                     for k, v in form.cleaned_data.items() if k != "file"}
                preview = FRAMEWORK_IMPORT.parse(content, context)
                page |= {"preview": preview, "file_name": upload.name}
                if preview.ok and not preview.changes[0].unchanged:
                    page["token"] = imports.stage(request.session, FRAMEWORK_IMPORT, content, context)
    page["frameworks"] = Framework.objects.annotate(
        n_indicators=Count("indicators", filter=Q(indicators__is_aggregate=False)))
    return render(request, "index/framework_list.html", page)


def _confirm_framework(request):
    staged = imports.unstage(request.session, FRAMEWORK_IMPORT, request.POST["token"])
    if staged is None:
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect("index:frameworks")
    try:
        framework, created = imports.apply(FRAMEWORK_IMPORT, *staged, acting_user=request.user)
    except imports.ImportRefused as exc:  # the engine or the stored versions changed since the preview
        messages.error(request, str(exc))
        return redirect("index:frameworks")
    messages.success(request, _("Framework imported.") if created else
                     _("This framework is already there, unchanged."))
    return redirect("index:framework", framework.pk)


def framework_tree(framework: Framework) -> list[dict]:
    """Nodes as nested rows from the root(s) down; a node feeding two parents shows under both."""
    indicators = {i.code: i for i in framework.indicators.all()}
    children: dict[str, list[str]] = {}
    for code, ind in indicators.items():
        for parent in ind.parents:
            children.setdefault(parent, []).append(code)
    roots = [c for c, i in indicators.items() if not i.parents]
    rows: list[dict] = []

    def walk(code: str, depth: int) -> None:
        rows.append({"node": indicators[code], "depth": depth})
        for child in sorted(children.get(code, []), key=lambda c: indicators[c].position):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda c: -indicators[c].position):
        walk(root, 0)
    return rows


@login_required
def framework_detail(request, pk: int):
    if not _is_staff_reader(request.user):
        raise Http404
    framework = get_object_or_404(Framework, pk=pk)
    from .models import IndicatorMapping

    return render(request, "index/framework_detail.html", {
        "framework": framework, "rows": framework_tree(framework), "admin": is_admin(request.user),
        "mappings": IndicatorMapping.objects.filter(new__framework=framework).select_related("old", "new"),
        "versions": Framework.objects.filter(code=framework.code).order_by("-version"),
    })


# -- campaigns ------------------------------------------------------------------------------------
@login_required
def campaign_create(request):
    _require_admin(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = actions.create_campaign(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Campaign created with %(n)d units.") % {"n": campaign.units.count()})
        return redirect("index:campaign", campaign.pk)
    return render(request, "index/campaign_form.html", {"form": form})


WAITING_ON = {
    Submission.Status.DRAFT: "unit", Submission.Status.RETURNED: "unit",
    Submission.Status.SUBMITTED: "reviewer", Submission.Status.RESUBMITTED: "reviewer",
    Submission.Status.IN_REVIEW: "reviewer", Submission.Status.ACCEPTED: "office",
    Submission.Status.FINALISED: "",
}


def _recompute_waiting(campaign: Campaign):
    """The queued recomputation of this campaign's official result, if one is waiting for the worker."""
    from dxboard.jobs.models import Job

    from .jobs import RECOMPUTE

    return (Job.objects.filter(kind=RECOMPUTE, status=Job.Status.QUEUED, payload__campaign=campaign.pk)
            .order_by("-pk").first())


def _reviewed_points() -> dict:
    """Per submission, over the answers a reviewer has decided and both sides scored: how many, the points
    the unit claimed for them and the points verified. The over-claim compares those two sums only, so
    answers still waiting for review never count as a gap."""
    decided = (Q(answers__self_points__isnull=False, answers__verified_points__isnull=False)
               & Q(answers__review__in=[Answer.Review.ACCEPTED, Answer.Review.ADJUSTED, Answer.Review.REJECTED]))
    return {"reviewed": Count("answers", filter=decided),
            "claimed_reviewed": Sum("answers__self_points", filter=decided),
            "verified": Sum("answers__verified_points", filter=decided)}


@login_required
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("framework", "official"), pk=pk)
    submissions = Submission.objects.restrict(request.user, "view").filter(campaign=campaign)
    if not _is_staff_reader(request.user) and not submissions.exists():
        raise Http404
    rows = submissions.select_related("unit").annotate(
        claimed=Sum("answers__self_points"),
        returned=Count("answers", filter=Q(answers__review=Answer.Review.RETURNED)),
        **_reviewed_points())
    days_left = (campaign.closes - timezone.localdate()).days
    table = [{"s": s, "waiting_on": WAITING_ON.get(s.status, ""),
              "gap": (s.claimed_reviewed - s.verified) if s.reviewed else None}
             for s in rows]
    counts = {status: 0 for status in Submission.Status.values}
    for row in table:
        counts[row["s"].status] += 1
    appeals = (Appeal.objects.restrict(request.user, "view").filter(submission__campaign=campaign)
               .select_related("submission__unit", "answer__indicator"))
    return render(request, "index/campaign_detail.html", {
        "campaign": campaign, "table": table, "recompute_job": _recompute_waiting(campaign),
        "appeals": appeals, "days_left": days_left,
        "admin": is_admin(request.user),
        "leader": Role.LEADER in roles(request.user), "counts": counts,
        "status_labels": dict(Submission.Status.choices),
        "bands": [*(campaign.grade_bands or DEFAULT_BANDS), ["", "", ""]],  # and one empty row to add a grade
    })


def _fill(*, acting_user, campaign):
    from .sources import fill_campaign

    if not is_admin(acting_user):
        raise actions.NotAllowed("admin")
    return fill_campaign(acting_user=acting_user, campaign=campaign)


CAMPAIGN_ACTIONS = {
    "open": actions.open_campaign,
    "fill": _fill,
    "compute": lambda **kw: actions.compute_results(**kw, official=True),  # the ranking the results page shows
    "recompute": actions.request_recompute,
    "provisional": actions.publish_provisional,
    "finalise": actions.finalise_campaign,
    "publish": actions.publish,
}


def _ranked(snapshot) -> int:
    return len(snapshot.payload.get("units", {}))


# What the office is told after each action, from what the action returned ("Done." said nothing).
CAMPAIGN_DONE = {
    "open": lambda n: Message(gettext_noop("The campaign is open: %(n)s forms created."), {"n": n}),
    "fill": lambda saved: Message(gettext_noop("Figures filled from the modules: %(n)s answers saved."),
                                  {"n": sum(saved.values())}),
    "compute": lambda snapshot: Message(gettext_noop("Results recomputed: %(n)s units."), {"n": _ranked(snapshot)}),
    "recompute": lambda job: Message(gettext_noop("Queued: the worker recomputes the official result; the current "
                                                  "result is served until it has finished.")),
    "provisional": lambda snapshot: Message(gettext_noop("Provisional results published: %(n)s units ranked; "
                                                         "appeals are open."), {"n": _ranked(snapshot)}),
    "finalise": lambda snapshot: Message(gettext_noop("The campaign is finalised: %(n)s units ranked."),
                                         {"n": _ranked(snapshot)}),
    "publish": lambda campaign: Message(gettext_noop("Publication approved: the results are on the public portal.")),
}


def _after_action(name: str, campaign: Campaign, outcome):
    """Where the office goes next: the new ranking after a computation, the campaign page otherwise (which
    follows a queued recomputation's state until it has run)."""
    if name == "compute":
        return redirect("index:results", campaign.pk)
    return redirect("index:campaign", campaign.pk)


@login_required
@require_POST
def campaign_action(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    name = request.POST.get("action", "")
    if name not in CAMPAIGN_ACTIONS or not _is_staff_reader(request.user):
        raise Http404
    try:
        outcome = CAMPAIGN_ACTIONS[name](acting_user=request.user, campaign=campaign)
    except actions.ActionError as exc:
        messages.error(request, exc.args[0])
        return redirect("index:campaign", pk)
    if name in CAMPAIGN_DONE:
        messages.success(request, CAMPAIGN_DONE[name](outcome))
    return _after_action(name, campaign, outcome)


# -- submissions (the form, and the review) ------------------------------------------------------
def _submission_for(request, pk: int, action: str = "view") -> Submission:
    return get_object_or_404(Submission.objects.restrict(request.user, action).select_related(
        "campaign__framework", "unit"), pk=pk)


def progress_of(submission: Submission) -> dict:
    """The progress bars of a submission (answered, evidence attached where required, points claimed) from
    one narrow query: the form page shows them, and every autosave sends them back out of band."""
    rows = submission.answers.order_by().annotate(
        effect=KeyTextTransform("effect", "indicator__rule"),
        has_evidence=Exists(Evidence.objects.filter(answer=OuterRef("pk")))).values_list(
        "state", "value", "numerator", "choice", "self_points", "indicator__evidence", "indicator__max_points",
        "effect", "has_evidence")
    total = answered = evidence_needed = with_evidence = 0
    claimed = maximum = 0
    for state, value, numerator, choice, self_points, evidence, max_points, effect, has_evidence in rows:
        total += 1
        is_answered = (state == Answer.State.NOT_APPLICABLE or value is not None or numerator is not None
                       or bool(choice))  # Answer.is_answered, on the row
        answered += is_answered
        if evidence and state == Answer.State.ANSWERED and is_answered:
            evidence_needed += 1
            with_evidence += bool(has_evidence)
        claimed += self_points or 0
        if effect == "score":
            maximum += max_points or 0
    pct = lambda part, whole: round(100 * part / whole) if whole else 0  # noqa: E731
    return {"total": total, "answered": answered, "answered_pct": pct(answered, total),
            "evidence": with_evidence, "evidence_needed": evidence_needed,
            "evidence_pct": pct(with_evidence, evidence_needed), "claimed": claimed, "maximum": maximum,
            "claimed_pct": pct(claimed, maximum)}


def _answers(submission: Submission) -> list[Answer]:
    return list(submission.answers.select_related("indicator").prefetch_related("evidence"))


@login_required
def submission(request, pk: int):
    sub = _submission_for(request, pk)
    answers = _answers(sub)
    for a in answers:
        a.editable = answer_editable(request.user, a)
    can_edit = sub.editable_by_unit and can(request.user, "change", sub.unit, Answer)
    can_review = can(request.user, "review", sub.unit, Answer)
    return render(request, "index/submission.html", {
        "submission": sub, "answers": answers, "progress": progress_of(sub), "can_edit": can_edit,
        "can_review": can_review and sub.status == Submission.Status.IN_REVIEW,
        "reviewer": can_review, "problems": actions.missing_items(sub) if can_edit else [],
        "can_appeal": (sub.campaign.status == Campaign.Status.PROVISIONAL
                       and can(request.user, "change", sub.unit, Appeal)
                       and (sub.campaign.appeal_until is None or timezone.localdate() <= sub.campaign.appeal_until)),
        "evidence_form": EvidenceForm(), "review_form": ReviewForm(),
    })


SUBMISSION_ACTIONS = {
    "submit": actions.submit,
    "start_review": actions.start_review,
    "accept_with_evidence": actions.accept_answers_with_evidence,
    "return": actions.return_submission,
    "accept": actions.accept_submission,
}

# What the person is told after each action on a submission.
SUBMISSION_DONE = {
    "submit": lambda sub: Message(gettext_noop("Sent for review: %(unit)s's self-assessment is now with the "
                                               "reviewer."), {"unit": sub.unit.name}),
    "start_review": lambda sub: Message(gettext_noop("Review started: decide on each answer.")),
    "accept_with_evidence": lambda counts: Message(gettext_noop(
        "%(accepted)s answers with evidence accepted; %(skipped)s without evidence left for you to decide."),
        {"accepted": counts[0], "skipped": counts[1]}),
    "return": lambda sub: Message(gettext_noop("Returned to the unit for more evidence.")),
    "accept": lambda sub: Message(gettext_noop("Submission accepted.")),
}


@login_required
@require_POST
def submission_action(request, pk: int):
    sub = _submission_for(request, pk)
    name = request.POST.get("action", "")
    if name not in SUBMISSION_ACTIONS:
        raise Http404
    try:
        outcome = SUBMISSION_ACTIONS[name](acting_user=request.user, submission=sub)
    except actions.ActionError as exc:
        messages.error(request, exc.args[0])
    else:
        messages.success(request, SUBMISSION_DONE[name](outcome))
    return redirect("index:submission", pk)


def _answer_for(request, pk: int) -> Answer:
    return get_object_or_404(Answer.objects.restrict(request.user, "view").select_related(
        "indicator", "submission__unit", "submission__campaign__framework"), pk=pk)


def answer_editable(user, answer: Answer) -> bool:
    sub = answer.submission
    if answer.indicator.source not in ("", "self") and not is_admin(user):
        return False
    if sub.status == Submission.Status.RETURNED and answer.review != Answer.Review.RETURNED:
        return False
    return sub.editable_by_unit and can(user, "change", sub.unit, Answer)


def _render_answer(request, answer: Answer, error: str = "", status: int = 200, *, stored: bool = False):
    """The answer's partial. `stored`: `answer` is what was just saved (its row re-read by the action),
    so only its evidence is read; otherwise the row is read again (someone else's value, on a conflict)."""
    sub = answer.submission
    if stored:
        prefetch_related_objects([answer], "evidence")
    else:
        answer = Answer.objects.select_related("indicator").prefetch_related("evidence").get(pk=answer.pk)
        answer.submission = sub
    return render(request, "index/_answer.html", {
        "a": answer, "submission": sub, "error": error, "can_edit": answer_editable(request.user, answer),
        "can_review": can(request.user, "review", sub.unit, Answer) and sub.status == Submission.Status.IN_REVIEW,
        "evidence_form": EvidenceForm(), "review_form": ReviewForm(),
        # HTMX swaps the progress bars out of band, so they follow every autosave
        "oob_progress": progress_of(sub) if request.htmx else None,
    }, status=status)


@login_required
@require_POST
def answer_save(request, pk: int):
    """Autosave of one answer (HTMX on every change). The posted `version` is what the person saw."""
    answer = _answer_for(request, pk)
    fields = {k: request.POST[k] for k in ("value", "numerator", "denominator", "choice", "comment", "na_reason")
              if k in request.POST}
    fields["state"] = Answer.State.NOT_APPLICABLE if request.POST.get("not_applicable") else Answer.State.ANSWERED
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        raise Http404 from None
    try:
        answer = actions.save_answer(acting_user=request.user, answer=answer, expected_version=version, **fields)
    except actions.NotAllowed:
        raise Http404 from None
    except actions.Conflict as exc:
        return _render_answer(request, answer, str(exc), status=409 if not request.htmx else 200)
    except actions.ActionError as exc:
        return _render_answer(request, answer, str(exc), status=400 if not request.htmx else 200)
    if not request.htmx:
        return redirect("index:submission", answer.submission_id)
    return _render_answer(request, answer, stored=True)


@login_required
@require_POST
def answer_review(request, pk: int):
    answer = _answer_for(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_answer(request, answer, _("Choose a decision."))
    data = form.cleaned_data
    try:
        actions.review_answer(acting_user=request.user, answer=answer, decision=data["decision"], note=data["note"],
                              **{k: data[k] for k in ("value", "numerator", "denominator", "choice")})
    except actions.NotAllowed:
        raise Http404 from None
    except actions.ActionError as exc:
        return _render_answer(request, answer, str(exc))
    if not request.htmx:
        return redirect("index:submission", answer.submission_id)
    return _render_answer(request, answer)


@login_required
@require_POST
def evidence_add(request, pk: int):
    answer = _answer_for(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.attach_evidence(acting_user=request.user, answer=answer, upload=form.cleaned_data["file"],
                                    summary=form.cleaned_data["summary"],
                                    document_number=form.cleaned_data["document_number"],
                                    document_date=form.cleaned_data["document_date"],
                                    issuer=form.cleaned_data["issuer"])
        except actions.NotAllowed:
            raise Http404 from None
        except (actions.ActionError, ValueError) as exc:
            messages.error(request, f"{answer.indicator.code}: {exc}")
        else:
            messages.success(request, _("Evidence attached to %(code)s.") % {"code": answer.indicator.code})
    else:
        messages.error(request, f"{answer.indicator.code}: " + "; ".join(
            f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
    return redirect(f"{_submission_url(answer)}#answer-{answer.pk}")


def _submission_url(answer: Answer) -> str:
    from django.urls import reverse

    return reverse("index:submission", args=[answer.submission_id])


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.restrict(request.user, "view"), pk=pk)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_remove(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.restrict(request.user, "view").select_related("answer"), pk=pk)
    answer = evidence.answer
    try:
        actions.remove_evidence(acting_user=request.user, evidence=evidence)
    except actions.NotAllowed:
        raise Http404 from None
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    return redirect(f"{_submission_url(answer)}#answer-{answer.pk}")


# -- results --------------------------------------------------------------------------------------
def previous_official(campaign: Campaign):
    earlier = (Campaign.objects.filter(unit_kind=campaign.unit_kind, period__lt=campaign.period,
                                       official__isnull=False).exclude(pk=campaign.pk).order_by("-period").first())
    return earlier.official if earlier else None


@login_required
def results(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("official", "framework"), pk=pk)
    if not _is_staff_reader(request.user) or campaign.official is None:
        raise Http404
    snapshot = campaign.official
    node = request.GET.get("node") or snapshot.payload["root"]
    nodes = [n for n in snapshot.payload["nodes"] if n["code"] in [snapshot.payload["root"], *snapshot.payload["main"]]]
    if node not in {n["code"] for n in nodes}:
        raise Http404
    return render(request, "index/results.html", {
        "campaign": campaign, "snapshot": snapshot, "rows": ranking(snapshot, node, previous_official(campaign)),
        "not_submitted": not_submitted(snapshot), "nodes": nodes, "node": node,
    })


def scorecard_data(snapshot, code: str) -> dict:
    payload = snapshot.payload
    unit = payload["units"].get(code)
    if unit is None:
        raise Http404
    names = {n["code"]: n for n in payload["nodes"]}
    parts = []
    for part in payload["main"]:
        values = [u["values"].get(part) for u in payload["units"].values() if u["values"].get(part) is not None]
        median = statistics.median(values) if values else None
        parts.append({"code": part, "name": names[part]["name"], "name_en": names[part].get("name_en", ""),
                      "points": unit["points"].get(part),
                      "max": unit["max"].get(part), "value": unit["values"].get(part), "median": median,
                      "rank": (unit.get("ranks") or {}).get(part)})
    scored = [p for p in parts if p["value"] is not None and p["median"] is not None]
    ordered = sorted(scored, key=lambda p: p["value"] - p["median"])
    # The cheapest points: indicators with the most points still open (max − points), biggest first.
    open_points = []
    for n in payload["nodes"]:
        if n["aggregate"]:
            continue
        got, top = unit["points"].get(n["code"]), unit["max"].get(n["code"])
        if top and (got or 0) < top:
            open_points.append({"code": n["code"], "name": n["name"], "name_en": n.get("name_en", ""),
                                "gain": top - (got or 0), "max": top})
    open_points.sort(key=lambda r: -r["gain"])
    root = payload["root"]
    return {"unit": unit, "code": code, "parts": parts, "root": root, "total": unit["points"].get(root),
            "maximum": unit["max"].get(root), "value": unit["values"].get(root),
            "rank": (unit.get("ranks") or {}).get(root), "interval": unit.get("interval"),
            "strengths": ordered[::-1][:3], "weaknesses": ordered[:3], "cheapest": open_points[:8]}


@login_required
def scorecard(request, pk: int, code: str):
    campaign = get_object_or_404(Campaign.objects.select_related("official"), pk=pk)
    submission_qs = Submission.objects.restrict(request.user, "view").filter(campaign=campaign, unit__code=code)
    if campaign.official is None or not (_is_staff_reader(request.user) or submission_qs.exists()):
        raise Http404
    if not _is_staff_reader(request.user) and campaign.status not in (Campaign.Status.PROVISIONAL,
                                                                       Campaign.Status.FINALISED,
                                                                       Campaign.Status.PUBLISHED):
        raise Http404
    data = scorecard_data(campaign.official, code)
    comments = (Answer.objects.filter(submission__campaign=campaign, submission__unit__code=code)
                .exclude(review_note="").select_related("indicator"))
    history = []
    for other in (Campaign.objects.filter(unit_kind=campaign.unit_kind, official__isnull=False)
                  .select_related("official").order_by("period")):
        unit = other.official.payload["units"].get(code)
        if unit:
            root = other.official.payload["root"]
            history.append({"period": other.period, "value": unit["values"].get(root),
                            "rank": (unit.get("ranks") or {}).get(root)})
    return render(request, "index/scorecard.html", {"campaign": campaign, "comments": comments,
                                                    "history": history, **data})


# -- appeals --------------------------------------------------------------------------------------
@login_required
@require_POST
def appeal_file(request, pk: int):
    answer = _answer_for(request, pk)
    try:
        actions.file_appeal(acting_user=request.user, answer=answer, text=request.POST.get("text", ""))
    except actions.NotAllowed:
        raise Http404 from None
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your appeal was filed."))
    return redirect(f"{_submission_url(answer)}#answer-{answer.pk}")


@login_required
@require_POST
def appeal_decide(request, pk: int):
    if not is_admin(request.user):
        raise Http404
    appeal = get_object_or_404(Appeal.objects.select_related("answer__indicator", "submission"), pk=pk)
    fields = {k: request.POST.get(k, "") for k in ("value", "numerator", "denominator", "choice")}
    try:
        actions.decide_appeal(acting_user=request.user, appeal=appeal, upheld=request.POST.get("upheld") == "1",
                              decision=request.POST.get("decision", ""), **fields)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    return redirect("index:campaign", appeal.submission.campaign_id)


@login_required
@require_POST
def framework_map(request, pk: int):
    """Map an indicator of the previous version to one of this version (standing office)."""
    framework = get_object_or_404(Framework.objects.select_related("previous"), pk=pk)
    if not is_admin(request.user) or framework.previous is None:
        raise Http404
    old = get_object_or_404(framework.previous.indicators, code=request.POST.get("old", ""))
    new = get_object_or_404(framework.indicators, code=request.POST.get("new", ""))
    try:
        actions.map_indicator(acting_user=request.user, old=old, new=new, note=request.POST.get("note", ""))
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    return redirect("index:framework", pk)


@login_required
@require_POST
def campaign_grades(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    if not is_admin(request.user):
        raise Http404
    # one row of the form per band: minimum score, Vietnamese label, English label (empty rows left out)
    rows = zip(request.POST.getlist("band_min"), request.POST.getlist("band_vi"), request.POST.getlist("band_en"),
               strict=False)
    bands = [[low.strip(), vi.strip(), en.strip()] for low, vi, en in rows if low.strip() or vi.strip()]
    try:
        actions.set_grade_bands(acting_user=request.user, campaign=campaign, bands=bands)
    except actions.ActionError as exc:
        messages.error(request, exc.args[0])
    else:
        messages.success(request, Message(gettext_noop("Grade bands saved: %(n)s grades."), {"n": len(bands)}))
    return redirect("index:campaign", pk)
