"""Feedback on the home page, as a work queue: the intake office's reports to classify and route (and to
moderate), a handling unit's reports to answer with the overdue ones first. Nothing when nothing waits."""

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from dxboard.core.panels import Panel

from .actions import is_intake
from .models import HANDLING_STATUSES, Report, Status

TOP = 5  # the items a panel lists; the queue has the rest


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    if is_intake(user):
        return _intake_panel()
    return _unit_panel(user)


def _intake_panel() -> list[Panel]:
    to_classify = Report.objects.filter(status=Status.RECEIVED).select_related("category", "commune")
    flagged = Report.objects.filter(flagged=True, hidden=False).count()
    waiting = to_classify.count()
    if not waiting and not flagged:
        return []
    top = list(to_classify.order_by("-urgent", "created_at")[:TOP])  # urgent first, then the oldest
    return [Panel(_("Citizen feedback"), "feedback/panel.html",
                  {"intake": True, "waiting": waiting, "flagged": flagged, "top": top}, 40, todo=waiting + flagged)]


def _unit_panel(user) -> list[Panel]:
    now = timezone.now()
    mine = (Report.objects.restrict(user, "change").filter(status__in=HANDLING_STATUSES)
            .select_related("category", "commune")
            .annotate(late=Case(When(deadline__lt=now, then=Value(1)), default=Value(0),
                                output_field=IntegerField())))
    total = mine.count()
    if not total:
        return []
    overdue = mine.filter(late=1).count()
    top = list(mine.order_by("-late", "deadline")[:TOP])  # overdue first, then the nearest deadline
    return [Panel(_("Citizen feedback"), "feedback/panel.html",
                  {"intake": False, "waiting": total, "overdue": overdue, "top": top, "now": now}, 40, todo=total)]
