from django import template

from ..status import LABELS

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    """The label of a derived task status, in the current language."""
    return str(LABELS.get(status, status))


@register.filter
def frequency_label(frequency: str) -> str:
    """The label of a recurrence (monthly, quarterly, yearly), in the current language."""
    from ..models import RecurrenceRule

    return str(dict(RecurrenceRule.Frequency.choices).get(frequency, frequency))
