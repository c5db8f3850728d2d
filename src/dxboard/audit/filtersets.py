import django_filters
from django.utils.translation import gettext_lazy as _

from .labels import ACTIONS
from .models import AuditEntry


def _action_choices():
    return sorted(((code, label) for code, label in ACTIONS.items()), key=lambda c: str(c[1]))


def _object_choices():
    from .labels import object_label

    types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, object_label(t)) for t in types), key=lambda c: str(c[1]))


class AuditFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Unit (code)"))
    user = django_filters.CharFilter(field_name="actor_name", lookup_expr="iexact", label=_("User name"))
    object_type = django_filters.ChoiceFilter(choices=_object_choices, label=_("Kind of record"))
    object_id = django_filters.CharFilter(label=_("Record number"))
    action = django_filters.ChoiceFilter(choices=_action_choices, label=_("Action"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"),
                                      widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"),
                                      widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEntry
        fields = ["unit", "user", "object_type", "object_id", "action", "since", "until"]
