"""The standing office's page of the working-day calendar: a year's days off and make-up working days,
add / edit / delete (through actions.py: audited, and the deadlines derived from the calendar move),
and the year as a workbook. Administrators only; anyone else gets 404, like the other office pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dxboard.accounts.permissions import is_admin

from . import actions, exports
from .forms import DayForm
from .models import Holiday


def _require_admin(request) -> None:
    if not is_admin(request.user):
        raise Http404


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if 1900 <= year <= 2999 else timezone.localdate().year


def _list_url(year: int) -> str:
    return f"{reverse('workdays:list')}?year={year}"


@login_required
def day_list(request):
    _require_admin(request)
    year = _year(request.GET.get("year"))
    days = list(Holiday.objects.filter(date__year=year))
    this_year = timezone.localdate().year
    years = sorted({d.year for d in Holiday.objects.dates("date", "year")} | {this_year, this_year + 1, year})
    return render(request, "workdays/list.html", {
        "year": year, "days": days, "years": years,
        "weekdays_off": sum(1 for d in days if d.kind == Holiday.Kind.HOLIDAY and d.date.weekday() < 5),
        "makeup": sum(1 for d in days if d.kind == Holiday.Kind.MAKEUP_WORKDAY),
        "provisional": sum(1 for d in days if d.provisional)})


@login_required
def day_edit(request, pk=None):
    """Add a day (the date must not be held yet) or edit one (its date stays: delete and add to move it)."""
    _require_admin(request)
    holiday = get_object_or_404(Holiday, pk=pk) if pk else None
    initial = {"date": request.GET["date"][:10]} if holiday is None and request.GET.get("date") else None
    form = DayForm(request.POST or None, holiday=holiday, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            day = actions.save_day(acting_user=request.user, expect_new=holiday is None, **form.cleaned_data)
        except actions.InvalidDay as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Saved."))
            return redirect(_list_url(day.date.year))
    year = holiday.date.year if holiday else _year(request.GET.get("year"))
    return render(request, "workdays/form.html", {"form": form, "holiday": holiday, "year": year})


@login_required
def day_delete(request, pk):
    """A confirmation page (GET), then the removal (POST)."""
    _require_admin(request)
    holiday = get_object_or_404(Holiday, pk=pk)
    if request.method == "POST":
        year = holiday.date.year
        actions.delete_day(acting_user=request.user, holiday=holiday)
        messages.success(request, _("The day was removed from the calendar."))
        return redirect(_list_url(year))
    return render(request, "workdays/delete.html", {"holiday": holiday})


@login_required
def year_xlsx(request, year):
    _require_admin(request)
    response = HttpResponse(exports.year_xlsx(year), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="lich-ngay-lam-viec-{year}.xlsx"'
    return response
