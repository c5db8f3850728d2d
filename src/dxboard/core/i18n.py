"""Messages to people, in the language of the person who reads them (Vietnamese unless they chose English).

A `Message` keeps its English msgid (marked with gettext_noop, so that `make messages` finds it) and its
parameters, and is translated only when it is read: `str(message)` speaks the active language — the
request's, for a refusal shown on a page; `in_language(message, code)` speaks a recipient's, for a
notification or an e-mail written by the worker. Parameters are written in the same language: lazy labels
(see `choice_label`), nested messages, and dates and times in the platform's time zone.
"""

import datetime

from django.utils import formats, timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop


def _translated(msgid: str, params: dict) -> str:
    text = gettext(msgid)
    return text % {k: written(v) for k, v in params.items()} if params else text


_lazy_message = lazy(_translated, str)


def Message(msgid: str, params: dict | None = None):  # noqa: N802 — reads as the type of text it makes
    """A lazy text: `msgid` translated, then filled with `params`, each time it is read (Django's lazy
    string: it is a `Promise`, so templates, forms, DRF and JSON encoders take it as text)."""
    return _lazy_message(msgid, params or {})


def _number(value, decimals) -> str:
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


_lazy_number = lazy(_number, str)


def number(value, decimals: int | None = None):
    """A number for a Message parameter, written the way its reader's language writes numbers when it is
    read (40.000.000 and 91,2 in Vietnamese; 40,000,000 and 91.2 in English). Years and codes stay as they are:
    pass those unformatted."""
    return _lazy_number(value, decimals)


def _named(names: dict) -> str:
    code = (translation.get_language() or "vi").split("-")[0]
    return names.get(code) or names.get("vi") or next(iter(names.values()), "")


_lazy_named = lazy(_named, str)


def named(vi: str, en: str = ""):
    """A record's own name for a Message parameter, in its reader's language: the English name (`name_en`)
    on English pages when there is one, the Vietnamese name otherwise (the name of a metric, a unit)."""
    return _lazy_named({"vi": vi, **({"en": en} if en else {})})


def written(value):
    """A parameter as the active language writes it: lazy texts and messages translated, datetimes in the
    platform's time zone, dates in the language's format (numbers are formatted by their callers)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


def freeze(text):
    """A text as JSON that `thaw` makes a lazy text of again, so that a stored notification is read in the
    language of whoever reads it later. Messages, lazy labels, numbers, names (`named`), dates and plain text
    (what a person typed stays as typed)."""
    if not isinstance(text, Promise):
        if isinstance(text, datetime.datetime):
            return {"datetime": text.isoformat()}
        if isinstance(text, datetime.date):
            return {"date": text.isoformat()}
        return text if isinstance(text, str | int | float | type(None)) else str(text)
    func, args, _kw, *_classes = text.__reduce__()[1]
    if func is _translated:
        return {"msgid": args[0], "params": {k: freeze(v) for k, v in args[1].items()}}
    if func is _number:
        return {"number": args[0], "decimals": args[1]}
    if func is _named:
        return {"names": args[0]}
    if func is gettext:
        return {"label": args[0]}
    return str(text)


def thaw(data):
    if not isinstance(data, dict):
        return data
    if "msgid" in data:
        return Message(data["msgid"], {k: thaw(v) for k, v in data["params"].items()})
    if "number" in data:
        return number(data["number"], data["decimals"])
    if "names" in data:
        return _lazy_named(data["names"])
    if "label" in data:
        return gettext_lazy(data["label"])
    if "datetime" in data:
        return datetime.datetime.fromisoformat(data["datetime"])
    return datetime.date.fromisoformat(data["date"])


def in_language(text, code: str) -> str:
    """A Message or any lazy text in language `code`; plain text as it is."""
    if isinstance(text, Promise):
        with translation.override(code):
            return str(text)
    return text


def choice_label(obj, field: str):
    """The label of a choice field's value, kept lazy, for `Message` parameters (the model's
    get_FOO_display() is already a string in the language active when it was called)."""
    value = getattr(obj, field)
    return dict(obj._meta.get_field(field).flatchoices).get(value, value)


# Django strings its own Vietnamese catalogue lacks; listed here so that `make messages` keeps them in ours.
DJANGO_STRINGS_WITHOUT_VI = [gettext_noop("- Select an option -")]
