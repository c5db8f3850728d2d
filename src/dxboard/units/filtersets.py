"""One FilterSet for the HTML pages and the REST API (filtering written once)."""

import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Unit, UnitKind


class UnitFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("Kind"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent (code)"))
    as_of = django_filters.DateFilter(method="filter_as_of", label=_("As of date"))
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))

    class Meta:
        model = Unit
        fields = ["kind", "parent", "as_of", "q"]

    def filter_as_of(self, queryset, name, value: datetime.date):
        return queryset.as_of(value)

    def filter_search(self, queryset, name, value: str):
        return queryset.search(value)
