"""The index's panels on the home page: each a work queue of what a role has to do now (returned forms
first, with the reviewer's reasons; answers waiting for review, counted), folded to the first few."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import can, is_admin, roles
from dxboard.core.panels import Panel

from .models import Answer, Campaign, Submission

OPEN_STATES = [Submission.Status.DRAFT, Submission.Status.RETURNED]
REVIEW_STATES = [Submission.Status.SUBMITTED, Submission.Status.RESUBMITTED, Submission.Status.IN_REVIEW]
SHOWN = 5  # a queue shows its first items, then "see all N"


def _to_complete(user, visible) -> list[Submission]:
    """Forms this person can still fill: returned ones first (they wait on the unit), then by deadline."""
    rows = (visible.filter(status__in=OPEN_STATES, campaign__status=Campaign.Status.OPEN)
            .annotate(returned_count=Count("answers", filter=Q(answers__review=Answer.Review.RETURNED))))
    mine = [s for s in rows if can(user, "change", s.unit, Answer)]
    mine.sort(key=lambda s: (s.status != Submission.Status.RETURNED, s.campaign.closes, s.unit.name))
    for s in mine[:SHOWN]:
        if s.status == Submission.Status.RETURNED:
            s.returned_answers = list(s.answers.filter(review=Answer.Review.RETURNED).select_related("indicator"))
    return mine


def _to_review(user, visible) -> list[Submission]:
    rows = (visible.filter(status__in=REVIEW_STATES)
            .annotate(pending=Count("answers", filter=Q(answers__review=Answer.Review.PENDING)))
            .order_by("submitted_at"))
    return [s for s in rows if can(user, "review", s.unit, Answer)]


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    panels = []
    visible = Submission.objects.restrict(user, "view").select_related("campaign", "unit")
    user_roles = roles(user)
    admin = is_admin(user)
    mine = _to_complete(user, visible)
    if mine:
        # the office can open every form, but filling them is the units' work, not the office's to-do
        panels.append(Panel(_("Self-assessments to complete"), "index/panel_officer.html",
                            {"submissions": mine[:SHOWN], "total": len(mine), "campaign": mine[0].campaign},
                            40 if admin else 10, todo=0 if admin else len(mine)))
    if Role.REVIEWER in user_roles or admin:
        waiting = _to_review(user, visible)
        if waiting:
            panels.append(Panel(_("Waiting for your review"), "index/panel_reviewer.html",
                                {"submissions": waiting[:SHOWN], "total": len(waiting),
                                 "answers": sum(s.pending for s in waiting), "campaign": waiting[0].campaign},
                                20, todo=len(waiting)))
    if admin or Role.LEADER in user_roles:
        campaigns = list(Campaign.objects.exclude(status=Campaign.Status.DRAFT).select_related("official")[:6])
        if campaigns:
            panels.append(Panel(_("Digital transformation index"), "index/panel_campaigns.html",
                                {"campaigns": campaigns}, 30))
    return panels
