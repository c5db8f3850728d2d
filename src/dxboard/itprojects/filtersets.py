"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dxboard.core.text import fold

from .models import Domain, Hosting, Level, Review, SecurityStatus, Stage, System, Verdict


class SystemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    domain = django_filters.ChoiceFilter(label=_("Domain"), choices=Domain.choices)
    level = django_filters.ChoiceFilter(label=_("Level served"), choices=Level.choices)
    owner = django_filters.CharFilter(label=_("Owner unit (code)"), field_name="owner__code")
    hosting = django_filters.ChoiceFilter(label=_("Hosting"), choices=Hosting.choices)
    security_status = django_filters.ChoiceFilter(label=_("Security level status"), choices=SecurityStatus.choices)
    lgsp = django_filters.BooleanFilter(label=_("LGSP"))
    ndxp = django_filters.BooleanFilter(label=_("NDXP"))

    class Meta:
        model = System
        fields = ["q", "stage", "domain", "level", "owner", "hosting", "security_status", "lgsp", "ndxp"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        folded = fold(value)
        # names are Vietnamese: match as typed, and the code (ASCII) folded
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=folded) | Q(purpose__icontains=value)
                               | Q(function__icontains=folded))


class ReviewFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), field_name="campaign__year")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Review.Status.choices)
    verdict = django_filters.ChoiceFilter(label=_("Verdict"), choices=Verdict.choices)
    system = django_filters.CharFilter(label=_("System (code)"), field_name="system__code")

    class Meta:
        model = Review
        fields = ["year", "status", "verdict", "system"]
