"""Tasks on the home page: a unit's open tasks, overdue and due soon first; the league for leaders."""

from django.utils import timezone
from django.utils.translation import gettext as _

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import is_admin, roles
from dxboard.core.panels import Panel

from .models import Task
from .status import COMPLETED


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    panels = []
    if is_admin(user) or Role.LEADER in roles(user):
        overdue = Task.objects.countable().with_status(today).filter(status="overdue").count()
        panels.append(Panel(_("Steering programme"), "steering/panel_office.html", {"overdue": overdue}, 35))
    else:
        open_tasks = [t for t in Task.objects.restrict(user, "view").countable().with_status(today)
                      .select_related("lead_unit").order_by("status_rank", "deadline")[:30]
                      if t.status not in COMPLETED]
        if open_tasks:
            panels.append(Panel(_("My tasks"), "steering/panel_unit.html", {"tasks": open_tasks[:8],
                                                                            "total": len(open_tasks)}, 15))
    return panels
