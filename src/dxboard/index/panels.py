"""The index's panels on the home page: what each role has to do now."""

from django.utils.translation import gettext as _

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import can, is_admin, roles
from dxboard.core.panels import Panel

from .models import Answer, Campaign, Submission

OPEN_STATES = [Submission.Status.DRAFT, Submission.Status.RETURNED]
REVIEW_STATES = [Submission.Status.SUBMITTED, Submission.Status.RESUBMITTED, Submission.Status.IN_REVIEW]


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    panels = []
    visible = Submission.objects.restrict(user, "view").select_related("campaign", "unit")
    mine = [s for s in visible.filter(status__in=OPEN_STATES, campaign__status=Campaign.Status.OPEN)
            if can(user, "change", s.unit, Answer)]
    if mine:
        panels.append(Panel(_("Self-assessments to complete"), "index/panel_officer.html", {"submissions": mine}, 10))
    user_roles = roles(user)
    if Role.REVIEWER in user_roles or is_admin(user):
        waiting = [s for s in visible.filter(status__in=REVIEW_STATES) if can(user, "review", s.unit, Answer)]
        panels.append(Panel(_("Waiting for your review"), "index/panel_reviewer.html", {"submissions": waiting[:20],
                                                                                        "total": len(waiting)}, 20))
    if is_admin(user) or Role.LEADER in user_roles:
        campaigns = Campaign.objects.exclude(status=Campaign.Status.DRAFT).select_related("official")[:6]
        panels.append(Panel(_("Digital transformation index"), "index/panel_campaigns.html",
                            {"campaigns": campaigns}, 30))
    return panels
