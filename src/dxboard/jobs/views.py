"""A queued job's state, for the page of the person who queued it: polled (htmx) until the job ends, then
the page reloads itself to show what the job produced."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from dxboard.accounts.permissions import is_admin

from .models import Job


@login_required
def state(request, pk: int):
    job = get_object_or_404(Job, pk=pk)
    if not (is_admin(request.user) or job.requested_by_id == request.user.pk):
        raise Http404
    response = render(request, "jobs/_state.html", {"job": job, "title": request.GET.get("title", "")})
    if job.ended and request.htmx:
        response["HX-Refresh"] = "true"  # the page shows the job's result once it is there
    return response
