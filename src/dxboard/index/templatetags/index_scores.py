"""How results and answers read: a value on [0, 1] out of 100 (the one scale of every chart and table), and
a categorical choice by its label with its points."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from dxboard.core.i18n import Message, number

register = template.Library()


@register.filter
def out_of_100(value):
    """0.9483 → "94,8" (localised, one decimal); nothing for a missing value."""
    if value is None or value == "":
        return ""
    return floatformat(float(value) * 100, 1)


# The frameworks name a categorical answer by a code (data); people read its label. Codes without a
# label here are shown with their underscores as spaces, never as the bare key.
CHOICE_LABELS = {
    "dung_han": _("On time"),
    "tre_han": _("Late"),
    "chua_ban_hanh": _("Not yet issued"),
    "chua": _("Not yet"),
    "chu_tich": _("The chairperson"),
    "pho_chu_tich": _("A vice-chairperson"),
    "khac": _("Someone else"),
}


def choice_name(code: str):
    return CHOICE_LABELS.get(code) or code.replace("_", " ").capitalize()


@register.filter
def choice_with_points(choice) -> str:
    """A categorical choice [code, points] as "On time (20 points)" in the reader's language."""
    code, points = choice[0], choice[1]
    return Message(gettext_noop("%(choice)s (%(points)s points)"),
                   {"choice": choice_name(code), "points": number(points, 0 if float(points).is_integer() else 1)})


@register.filter
def choice_label(code: str):
    return choice_name(code) if code else ""


@register.filter
def local_name(item) -> str:
    """A framework's, indicator's, index node's or unit's name in the reader's language: the English name on
    English pages where there is one, the Vietnamese name otherwise (a model or a stored payload node)."""
    get = item.get if isinstance(item, dict) else lambda key, default="": getattr(item, key, default)
    english = get("name_en", "") if translation.get_language() == "en" else ""
    return english or get("name", "")
