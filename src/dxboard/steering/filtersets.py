"""One FilterSet for task lists: the office page, the unit page, the XLSX export and the API.

The queryset must carry the status annotation (`Task.objects.with_status(today)`)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Plan, Task
from .status import LABELS


class TaskFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="lead_unit__code", label=_("Lead unit (code)"))
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), label=_("Plan"))
    status = django_filters.ChoiceFilter(choices=list(LABELS.items()), label=_("Status"))
    due_before = django_filters.DateFilter(field_name="effective_deadline", lookup_expr="lte",
                                           label=_("Due on or before"))
    due_after = django_filters.DateFilter(field_name="effective_deadline", lookup_expr="gte",
                                          label=_("Due on or after"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Task
        fields = ["unit", "plan", "status", "due_before", "due_after", "q"]
