"""Feedback on the home page: the reports waiting for the person (intake office or handling unit)."""

from django.utils.translation import gettext as _

from dxboard.core.panels import Panel

from .actions import is_intake
from .models import HANDLING_STATUSES, Report, Status


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    if is_intake(user):
        waiting = Report.objects.filter(status=Status.RECEIVED).count()
        flagged = Report.objects.filter(flagged=True).count()
        return [Panel(_("Citizen feedback"), "feedback/panel.html", {"waiting": waiting, "flagged": flagged,
                                                                      "intake": True}, 40)]
    mine = Report.objects.restrict(user, "change").filter(status__in=HANDLING_STATUSES)
    if not mine.exists():
        return []
    return [Panel(_("Citizen feedback"), "feedback/panel.html", {"waiting": mine.count(), "intake": False}, 40)]
