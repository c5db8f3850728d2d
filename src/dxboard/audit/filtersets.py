import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


class AuditFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Unit (code)"))
    user = django_filters.CharFilter(field_name="actor_name", lookup_expr="iexact", label=_("User name"))
    object_type = django_filters.CharFilter(lookup_expr="icontains", label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    action = django_filters.CharFilter(lookup_expr="icontains", label=_("Action"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEntry
        fields = ["unit", "user", "object_type", "object_id", "action", "since", "until"]
