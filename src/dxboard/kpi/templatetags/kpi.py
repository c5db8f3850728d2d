from django import template

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
