from django import template

from ..status import LABELS

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    """The label of a derived task status, in the current language."""
    return str(LABELS.get(status, status))
