"""Each translation a catalogue of ours holds is the one the reader sees.

Django merges every catalogue into one: the project's (LOCALE_PATHS) first, then the apps' in
INSTALLED_APPS order, Django's own among them. The same English text in two catalogues shows the first
one's words everywhere: the feedback form's "address" read "địa chỉ IP" (the audit log's), a KPI metric
of kind "Rate" read "Đánh giá" (the citizens' rating). Where the meanings differ the text carries a context
(pgettext); where they are the same, the catalogue says the words that are shown."""

import gettext
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation


def _catalogues():
    yield "project", Path(settings.LOCALE_PATHS[0])
    for config in apps.get_app_configs():
        if config.name.startswith("dxboard."):
            yield config.label, Path(config.path) / "locale"


def test_every_translation_of_ours_is_the_one_shown():
    shadowed = []
    with translation.override("vi"):
        for name, folder in _catalogues():
            compiled = folder / "vi" / "LC_MESSAGES" / "django.mo"
            if not compiled.exists():
                continue
            with compiled.open("rb") as f:
                catalogue = gettext.GNUTranslations(f)._catalog
            for msgid, ours in catalogue.items():
                if not msgid or isinstance(msgid, tuple):  # the header; plural forms are checked by their singular
                    continue
                context, _sep, text = msgid.rpartition("\x04")
                shown = translation.pgettext(context, text) if context else translation.gettext(text)
                if shown != ours:
                    shadowed.append(f"{name}: {text!r} is ours {ours!r} but reads {shown!r}")
    assert not shadowed, "\n".join(shadowed)
