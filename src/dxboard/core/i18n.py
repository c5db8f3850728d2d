"""Error messages for people who may read either language: Vietnamese first, then English."""

from django.utils import translation
from django.utils.translation import gettext, gettext_noop


def bilingual(message: str, params: dict | None = None) -> str:
    """`message` (an English msgid marked with gettext_noop) in Vietnamese, then in English."""
    params = params or {}
    with translation.override("vi"):
        vi = gettext(message) % params
    en = message % params
    return vi if vi == en else f"{vi} / {en}"


# Django strings its own Vietnamese catalogue lacks; listed here so that `make messages` keeps them in ours.
DJANGO_STRINGS_WITHOUT_VI = [gettext_noop("- Select an option -")]
