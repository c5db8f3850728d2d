"""Tasks on the home page, as work queues: what waits for the standing office's decision, the tasks overdue
and due soon (a unit's own; all of them for the office and leaders), each with its count and the first few.
A queue with nothing in it is no panel; a unit with only tasks in hand sees them as information."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import is_admin, roles
from dxboard.core.panels import Panel

from .models import CompletionDeclaration, Decision, ExtensionRequest, Task
from .status import DUE_SOON, OVERDUE

TOP = 5


def _task_queue(title: str, tasks, more: str, order: int, todo: bool = True) -> Panel | None:
    count = tasks.count()
    if not count:
        return None
    return Panel(title, "steering/panel_tasks.html", {"tasks": list(tasks[:TOP]), "count": count, "more": more},
                 order, todo=count if todo else 0)


def _decisions() -> Panel | None:
    """Extension requests and completion declarations waiting for the standing office."""
    extensions = ExtensionRequest.objects.filter(status=Decision.PENDING).select_related("task")
    declarations = (CompletionDeclaration.objects.filter(status=CompletionDeclaration.Status.PENDING)
                    .select_related("task"))
    count = extensions.count() + declarations.count()
    if not count:
        return None
    items = sorted([*extensions.order_by("created")[:TOP], *declarations.order_by("created")[:TOP]],
                   key=lambda item: item.created)[:TOP]
    return Panel(_("Waiting for your decision"), "steering/panel_decisions.html", {"items": items, "count": count},
                 10, todo=count)


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    tasks = (Task.objects.restrict(user, "view").countable().filter(completed_on__isnull=True)
             .with_status(today).select_related("lead_unit").order_by("effective_deadline", "pk"))
    everyone = is_admin(user) or Role.LEADER in roles(user)
    list_url = reverse("steering:tasks") if everyone else reverse("steering:my-tasks")
    overdue_url = f"{reverse('steering:tasks')}?status={OVERDUE}" if everyone else list_url
    soon_url = f"{reverse('steering:tasks')}?status={DUE_SOON}" if everyone else list_url
    panels = [
        _decisions() if is_admin(user) else None,
        _task_queue(_("Overdue tasks"), tasks.filter(status=OVERDUE), overdue_url, 12),
        _task_queue(_("Tasks due within a week"), tasks.filter(status=DUE_SOON), soon_url, 14),
    ]
    if not any(panels):
        panels.append(_task_queue(_("Tasks in hand"), tasks, list_url, 35, todo=False))
    return [p for p in panels if p is not None]
