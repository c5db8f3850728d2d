from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import memberships, roles
from dxboard.core.panels import panels_for
from dxboard.units.models import Unit, UnitKind


@require_GET
@never_cache
def healthz(request):
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = {"status": "ok", "vendor": connection.vendor}
        status = 200
    except DatabaseError as exc:
        database = {"status": "error", "error": exc.__class__.__name__}
        status = 503
    return JsonResponse({"status": "ok" if status == 200 else "degraded", "database": database}, status=status)


def home(request):
    """One home page; what it shows depends on the roles of the person reading it. Later modules add
    their panels (tasks due, submissions waiting, reports to handle) to the role sections."""
    user_roles = roles(request.user)
    province = Unit.objects.current().filter(kind=UnitKind.PROVINCE).first()
    counts = {
        "communes": Unit.objects.current().filter(kind=UnitKind.COMMUNE).count(),
        "departments": Unit.objects.current().filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.AGENCY]).count(),
    }
    return render(request, "core/home.html", {
        "province": province,
        "counts": counts,
        "my_memberships": memberships(request.user),
        "is_admin": Role.ADMIN in user_roles,
        "is_officer": Role.OFFICER in user_roles,
        "is_reviewer": Role.REVIEWER in user_roles,
        "is_leader": Role.LEADER in user_roles,
        "panels": panels_for(request),
    })


@login_required
def notifications(request):
    """The person's notifications, newest first; opening the page marks them read."""
    from .models import Notification

    mine = Notification.objects.filter(user=request.user)
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if not n.read]
    response = render(request, "core/notifications.html", {"page": page, "unread": set(unread)})
    Notification.objects.filter(pk__in=unread).update(read=True)
    return response
