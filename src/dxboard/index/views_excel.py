"""Excel round trip of the self-assessment form, and XLSX exports of a campaign.

Upload → preview → confirm through core.imports: the checked file waits in the session under a random
token until the confirmation, and is checked again when applied. Another unit's submission is a 404, as
everywhere.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxboard.accounts.models import Role
from dxboard.accounts.permissions import is_admin, roles
from dxboard.core import imports
from dxboard.core.uploads import UploadError, check_upload

from . import excel
from .actions import ActionError
from .models import Campaign, Submission


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ascii(text: str) -> str:
    """A piece of file name: ASCII letters, digits, dot, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(text)).strip("-.") or "x"


def _submission(request, pk: int, action: str) -> Submission:
    queryset = Submission.objects.restrict(request.user, action).select_related("campaign__framework", "unit")
    return get_object_or_404(queryset, pk=pk)


def _page(request, submission, status=200, **context):
    return render(request, "index/excel_preview.html",
                  {"submission": submission, "importer": excel.FORM_IMPORT, **context}, status=status)


@login_required
@require_GET
def excel_template(request, pk: int):
    submission = _submission(request, pk, "view")
    name = f"tu-danh-gia-{_ascii(submission.unit.code)}-{submission.campaign_id}.xlsx"
    return _attachment(excel.form_workbook(submission), name)


@login_required
@require_http_methods(["GET", "POST"])
def excel_upload(request, pk: int):
    """GET: the upload form. POST with a file: check it and show the preview; nothing is written.
    POST with a token: the preview's confirmation."""
    submission = _submission(request, pk, "change")
    if request.method == "GET":
        return _page(request, submission)
    if request.POST.get("token"):
        return _confirm(request, submission)
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, submission, 400, upload_error=_("Choose the filled-in template (.xlsx)."))
    try:
        checked = check_upload(upload, allowed=("xlsx",), max_bytes=excel.UPLOAD_MAX_BYTES)
    except UploadError as exc:
        return _page(request, submission, 400, upload_error=str(exc))
    data = checked.content.read()
    context = {"submission": submission.pk, "name": checked.original_name}
    preview = excel.FORM_IMPORT.parse(data, context)
    token = ""
    if preview.ok and preview.changes:
        token = imports.stage(request.session, excel.FORM_IMPORT, data, context)
    else:  # nothing to confirm: an earlier file waiting is not this one
        request.session.pop(excel.FORM_IMPORT.session_key, None)
    return _page(request, submission, preview=preview, token=token, file_name=checked.original_name)


@login_required
@require_POST
def excel_apply(request, pk: int):
    """The confirmation, at the address it always had."""
    return _confirm(request, _submission(request, pk, "change"))


def _confirm(request, submission):
    """Apply the file checked in the preview, after checking it again (answers may have moved since)."""
    staged = imports.unstage(request.session, excel.FORM_IMPORT, request.POST.get("token", ""))
    if staged is None or staged[1].get("submission") != submission.pk:
        messages.error(request, _("No checked file is waiting to be applied. Upload it again."))
        return redirect("index:excel-upload", pk=submission.pk)
    data, context = staged
    try:
        saved = imports.apply(excel.FORM_IMPORT, data, context, acting_user=request.user)
    except imports.ImportRefused as exc:
        return _page(request, submission, 409, preview=exc.preview, file_name=context["name"],
                     apply_error=_("The answers changed since the preview; nothing was applied."))
    except ActionError as exc:
        return _page(request, submission, 409, file_name=context["name"], apply_error=str(exc))
    messages.success(request, _("%(n)s rows of the file were saved.") % {"n": saved})
    try:
        return redirect(reverse("index:submission", args=[submission.pk]))
    except NoReverseMatch:
        return redirect("index:excel-upload", pk=submission.pk)


def _may_export(user) -> bool:
    return is_admin(user) or Role.LEADER in roles(user)


@login_required
@require_GET
def export_results(request, pk: int):
    """The campaign's official result (or its latest run, or ?snapshot=<id>) as XLSX."""
    if not _may_export(request.user):
        raise Http404
    campaign = get_object_or_404(Campaign, pk=pk)
    wanted = request.GET.get("snapshot", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        snapshot = get_object_or_404(campaign.snapshots, pk=int(wanted))
    else:
        snapshot = campaign.official or campaign.snapshots.order_by("-created", "-pk").first()
    if snapshot is None:
        raise Http404
    name = f"ket-qua-{campaign.pk}-{_ascii(campaign.period)}-{snapshot.pk}.xlsx"
    return _attachment(excel.results_workbook(snapshot), name)


@login_required
@require_GET
def export_inputs(request, pk: int):
    if not _may_export(request.user):
        raise Http404
    campaign = get_object_or_404(Campaign, pk=pk)
    name = f"du-lieu-nhap-{campaign.pk}-{_ascii(campaign.period)}.xlsx"
    return _attachment(excel.inputs_workbook(campaign), name)
