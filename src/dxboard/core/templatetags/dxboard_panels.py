from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """Render an app's home panel with its own context (plus the request, for csrf and urls)."""
    return render_to_string(panel.template, panel.context, request=context.get("request"))
