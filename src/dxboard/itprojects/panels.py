"""The IT registry on the home page: a unit's own systems; the portfolio for the office and leaders."""

from django.utils.translation import gettext as _

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import is_admin, roles
from dxboard.core.panels import Panel

from .models import System


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    if is_admin(user) or Role.LEADER in roles(user):
        return [Panel(_("IT systems and projects"), "itprojects/panel_portfolio.html",
                      {"total": System.objects.count()}, 40)]
    mine = System.objects.restrict(user, "change").order_by("name")[:10]
    if not mine:
        return []
    return [Panel(_("My unit's IT systems"), "itprojects/panel_unit.html", {"systems": mine}, 40)]
