"""Error messages for people who may read either language: Vietnamese first, then English."""

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop


def bilingual(message: str, params: dict | None = None) -> str:
    """`message` (an English msgid marked with gettext_noop) in Vietnamese, then in English. Lazy
    parameters (choice labels: see `choice_label`) are written in each half's own language."""
    params = params or {}
    with translation.override("vi"):
        vi = gettext(message) % _in_active_language(params)
    with translation.override("en"):
        en = message % _in_active_language(params)
    return vi if vi == en else f"{vi} / {en}"


def _in_active_language(params: dict) -> dict:
    return {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}


def choice_label(obj, field: str):
    """The label of a choice field's value, kept lazy, for `bilingual` parameters (the model's
    get_FOO_display() is already a string in the request's language, Vietnamese in both halves)."""
    value = getattr(obj, field)
    return dict(obj._meta.get_field(field).flatchoices).get(value, value)


# Django strings its own Vietnamese catalogue lacks; listed here so that `make messages` keeps them in ours.
DJANGO_STRINGS_WITHOUT_VI = [gettext_noop("- Select an option -")]
