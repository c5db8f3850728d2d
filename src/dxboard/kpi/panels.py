"""KPIs on the home page, as a work queue: the figures of the last finished period the person still has to
enter for their units, and the recent alerts on the units they see. No panel when nothing is due."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from dxboard.accounts.permissions import EVERYTHING, scope
from dxboard.core.panels import Panel
from dxboard.units.models import Unit

from . import periods
from .models import Alert, Metric, Observation

TOP = 5
ALERT_DAYS = 30


def due_figures(user, today: datetime.date) -> list[dict]:
    """[{unit, metric, period}]: each metric × unit of the person's own units (not the whole province: the
    office and leaders read, units report) without a figure for the metric's last finished period. Only
    the metrics reported by hand: those an active source system sends are not the person's to enter."""
    allowed = scope(user, "add", Observation)
    if allowed is EVERYTHING or not allowed:
        return []
    units = list(Unit.objects.current().filter(pk__in=allowed).exclude(kind="province"))
    metrics = list(Metric.objects.exclude(source_systems__is_active=True))
    due_period = {m.pk: periods.previous(periods.key_for(today, m.frequency)) for m in metrics}
    entered = set(Observation.objects.filter(is_preferred=True, unit__in=units, period__in=set(due_period.values()))
                  .values_list("metric_id", "unit_id", "period"))
    return [{"unit": u, "metric": m, "period": due_period[m.pk]} for u in units for m in metrics
            if (not m.unit_kinds or u.kind in m.unit_kinds) and (m.pk, u.pk, due_period[m.pk]) not in entered]


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    due = due_figures(user, today)
    since = timezone.now() - datetime.timedelta(days=ALERT_DAYS)
    alerts = Alert.objects.restrict(user).filter(created__gte=since).select_related("rule__metric", "unit") \
        .order_by("-period", "-created")  # the latest periods first
    alert_count = alerts.count()
    if not due and not alert_count:
        return []
    context = {"due": due[:TOP], "due_count": len(due), "alerts": list(alerts[:TOP]), "alert_count": alert_count}
    return [Panel(_("Operating figures (KPIs)"), "kpi/panel.html", context, 45, todo=len(due) + alert_count)]
