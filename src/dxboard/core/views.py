from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from dxboard.accounts import actions as account_actions
from dxboard.accounts.models import Role
from dxboard.accounts.permissions import is_admin, memberships, roles
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
    """One home page; what it shows depends on the roles of the person reading it: the apps' panels
    (core.panels), what waits for the person first."""
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


@require_POST
def set_language(request):
    """Django's language switch (the cookie), kept as a signed-in person's preference, so that the
    notifications and e-mails others' actions send them speak the same language."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in dict(settings.LANGUAGES):
        account_actions.set_language(acting_user=request.user, language=code)
    return response


@login_required
def outbox(request):
    """The e-mails the platform kept instead of sending (development and demo), newest first; the standing
    office only, and only where the outbox is the mail backend."""
    from . import outbox as dev_outbox
    from .models import OutboxMail

    if not dev_outbox.in_use() or not is_admin(request.user):
        raise Http404
    mails = OutboxMail.objects.all()
    query = request.GET.get("to", "").strip()
    if query:
        mails = mails.filter(to__icontains=query)
    page = Paginator(mails, 25).get_page(request.GET.get("page"))
    return render(request, "core/outbox.html", {"page": page, "query": query})


@login_required
def purge_history(request):
    """The standing office's view of the personal-data purge: each kind's period, then every run, newest first."""
    from . import retention
    from .models import PurgeRun

    if not is_admin(request.user):
        raise Http404
    periods = [(label, retention.days(kind)) for kind, label in PurgeRun.Kind.choices]
    page = Paginator(PurgeRun.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "core/purge_history.html", {"page": page, "periods": periods})
