"""The IT registry on the home page: for the standing office, the reviews of the open campaigns still to
complete (a work queue); the portfolio for the office and leaders; a unit's own systems."""

from django.utils.translation import gettext as _

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import is_admin, roles
from dxboard.core.panels import Panel

from .models import Review, ReviewCampaign, System

TOP = 5


def _reviews_to_complete() -> Panel | None:
    reviews = (Review.objects.filter(campaign__status=ReviewCampaign.Status.OPEN)
               .exclude(status=Review.Status.DONE).select_related("system", "campaign")
               .order_by("campaign__deadline", "system__name"))
    count = reviews.count()
    if not count:
        return None
    return Panel(_("System reviews to complete"), "itprojects/panel_reviews.html",
                 {"reviews": list(reviews[:TOP]), "count": count}, 20, todo=count)


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    if is_admin(user) or Role.LEADER in roles(user):
        total = System.objects.count()
        portfolio = Panel(_("IT systems and projects"), "itprojects/panel_portfolio.html", {"total": total}, 40)
        queue = _reviews_to_complete() if is_admin(user) else None
        return [p for p in (queue, portfolio if total else None) if p is not None]
    mine = System.objects.restrict(user, "change").order_by("name")[:10]
    if not mine:
        return []
    return [Panel(_("My unit's IT systems"), "itprojects/panel_unit.html", {"systems": mine}, 40)]
