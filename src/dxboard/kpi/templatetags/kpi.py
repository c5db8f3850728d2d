from django import template
from django.utils.translation import get_language

from .. import periods

register = template.Library()


@register.filter
def may_enter_figures(user) -> bool:
    """Whether `user` may enter or upload figures for some unit: the entry and upload pages answer
    404 otherwise, so the sub-navigation does not offer them (a leader only reads)."""
    from ..views import _visible_units

    return user.is_authenticated and _visible_units(user, "add").exists()


@register.filter
def period_label(key) -> str:
    """A period key in words in the page's language (periods.label)."""
    return str(periods.label(key))


@register.filter
def local_name(record) -> str:
    """A unit's (or any named record's) name in the page's language: its English name on English pages when
    it has one."""
    english = getattr(record, "name_en", "")
    return english if english and (get_language() or "").startswith("en") else record.name
