"""The one scale every chart and table of results uses: a value on [0, 1] shown out of 100."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def out_of_100(value):
    """0.9483 → "94,8" (localised, one decimal); nothing for a missing value."""
    if value is None or value == "":
        return ""
    return floatformat(float(value) * 100, 1)
