from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from dxboard.accounts.permissions import is_admin

from .filtersets import AuditFilterSet
from .labels import action_label, changes, object_label
from .models import AuditEntry


@login_required
def audit_list(request):
    if not is_admin(request.user):
        raise Http404  # the log names people and their actions: administrators only
    filterset = AuditFilterSet(request.GET, queryset=AuditEntry.objects.select_related("unit"))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.action_label = action_label(entry.action)
        entry.object_label = object_label(entry.object_type)
        entry.changes = changes(entry.object_type, entry.before, entry.after)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"filterset": filterset, "page": page, "query": query.urlencode()})
