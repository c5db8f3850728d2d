from django import template

from ..models import local_name as _local_name

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """A category's or unit's name in the reader's language (`{{ report.category|local_name }}`)."""
    return _local_name(obj) if obj else ""
