import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxboard.units.models import Unit, UnitKind

from .models import OPEN_STATUSES, Category, Report, Status


class ReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), label=_("Category"))
    commune = django_filters.ModelChoiceFilter(queryset=Unit.objects.filter(kind=UnitKind.COMMUNE).current(),
                                               label=_("Commune"))
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.current(), label=_("Handling unit"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    flagged = django_filters.BooleanFilter(label=_("Waiting for moderation"))

    class Meta:
        model = Report
        fields = ["q", "status", "category", "commune", "unit", "overdue", "flagged"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(description__icontains=value)
                               | Q(address__icontains=value))

    def filter_overdue(self, queryset, name, value):
        late = Q(status__in=OPEN_STATUSES, deadline__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)


class PublicReportFilterSet(django_filters.FilterSet):
    # Sensitive categories' reports are never listed in public: the filter does not offer them.
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.filter(active=True, sensitive=False),
                                                label=_("Category"))
    commune = django_filters.ModelChoiceFilter(queryset=Unit.objects.filter(kind=UnitKind.COMMUNE).current(),
                                               label=_("Commune"))

    class Meta:
        model = Report
        fields = ["category", "commune"]
