"""One FilterSet for observation lists: the history page and `GET /api/v1/kpi/observations/`.
Without `history`, only current values; with it, the superseded ones too (corrections)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Observation


class ObservationFilterSet(django_filters.FilterSet):
    metric = django_filters.CharFilter(field_name="metric__code", label=_("Metric (code)"))
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Unit (code)"))
    start_from = django_filters.DateFilter(field_name="period_start", lookup_expr="gte",
                                           label=_("Period starting on or after"))
    start_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte",
                                         label=_("Period starting on or before"))
    source = django_filters.CharFilter(field_name="source", label=_("Source"))
    history = django_filters.BooleanFilter(method="filter_history", label=_("Include corrected values"))

    class Meta:
        model = Observation
        fields = ["metric", "unit", "start_from", "start_to", "source", "history"]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("history"):
            queryset = queryset.filter(is_current=True)
        return super().filter_queryset(queryset)

    def filter_history(self, queryset, name, value):
        return queryset
