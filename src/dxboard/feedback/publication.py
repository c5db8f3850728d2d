"""What of a report the public may read: the one gate for the follow page, the public list and Open311.

Each model citizens see declares `PUBLIC_FIELDS` (fields and derived values anyone may read) and
`INTERNAL_FIELDS` (what the office typed or keeps for itself). Public pages and Open311 answers never get a
model object: they get `publish(obj)`, which hands out only the declared public names (a related object or
a list comes back published too) and raises AttributeError for any other, so a template that reaches for
an internal note renders nothing and Open311 code that does fails loudly.

A public name may still be held back for one object: a model's `withheld()` maps such names to what the
public reads instead (a sensitive report's text, a pre-moderated report's text before the intake office
accepted it). `publish(obj, reporter=True)` is for the citizen who proved to be the reporter: the same
public names, nothing held back.

`watch()` lists every name handed out while it is open, for the test that compares them to an allow-list.
"""

import contextlib
import contextvars

from django.db import models
from django.db.models import Q

from .models import Status

# Models of other apps that reach the citizen's pages, with what of them is public.
OTHER_APPS = {"units.Unit": ("name", "name_en", "code")}

_seen: contextvars.ContextVar[set | None] = contextvars.ContextVar("published_names", default=None)


def public_names(model) -> tuple:
    declared = getattr(model, "PUBLIC_FIELDS", None)
    if declared is None:
        declared = OTHER_APPS.get(model._meta.label, ())
    return declared


class Published:
    """A read-only view of a model object that only answers its public names."""

    __slots__ = ("_obj", "_reporter")

    def __init__(self, obj, reporter=False):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_reporter", reporter)

    def __getattr__(self, name):
        obj = object.__getattribute__(self, "_obj")
        reporter = object.__getattribute__(self, "_reporter")
        if name not in public_names(type(obj)):
            raise AttributeError(f"{type(obj).__name__}.{name} is not public")
        seen = _seen.get()
        if seen is not None:
            seen.add(f"{type(obj).__name__}.{name}")
        value = getattr(obj, name)
        withheld = {} if reporter or not hasattr(obj, "withheld") else obj.withheld()
        if name in withheld:
            instead = publish(withheld[name])
            return (lambda *args, **kwargs: instead) if callable(value) else instead
        if callable(value) and not isinstance(value, models.Model):
            return lambda *args, **kwargs: publish(value(*args, **kwargs), reporter=reporter)
        return publish(value, reporter=reporter)

    def __setattr__(self, name, value):
        raise AttributeError("a published object is read-only")

    def __str__(self):
        return str(object.__getattribute__(self, "_obj"))

    def __eq__(self, other):
        mine = object.__getattribute__(self, "_obj")
        return mine == (object.__getattribute__(other, "_obj") if isinstance(other, Published) else other)

    def __hash__(self):
        return hash(object.__getattribute__(self, "_obj"))


def publish(value, *, reporter=False):
    """`value` as the public (or, with `reporter`, the citizen who filed it) may read it: model objects,
    also inside lists, tuples and dicts, published."""
    if isinstance(value, models.Model):
        return Published(value, reporter)
    if isinstance(value, dict):
        return {k: publish(v, reporter=reporter) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(publish(v, reporter=reporter) for v in value)
    return value


def content_public():
    """The reports whose text the public may read (Report.content_public as a query): lists are built
    from it, and publish() still holds back whatever a surface would show of any other."""
    return (Q(hidden=False, flagged=False, category__sensitive=False) & ~Q(status=Status.REJECTED)
            & (Q(accepted_at__isnull=False) | Q(category__premoderated=False)))


@contextlib.contextmanager
def watch():
    """The names (`Model.field`) handed out to public readers while the block runs."""
    seen: set = set()
    token = _seen.set(seen)
    try:
        yield seen
    finally:
        _seen.reset(token)
