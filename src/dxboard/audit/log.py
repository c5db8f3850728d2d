"""Writing audit rows. Called by every action function inside its transaction, so the change and
its audit row commit or roll back together."""

import datetime
import decimal
import uuid

from django.db import models
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict

from .context import client_address
from .models import AuditEntry


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


# Never copied into the log: secrets must not spread to a table many people can read.
SECRET_FIELDS = {"password", "key", "secret", "token"}


def snapshot(obj: models.Model | None) -> dict | None:
    """The object's field values as JSON, for the before/after columns."""
    if obj is None:
        return None
    data = model_to_dict(obj)
    data["id"] = obj.pk
    return {k: _jsonable(v) for k, v in data.items() if k not in SECRET_FIELDS}


def unit_of(obj) -> object | None:
    from dxboard.units.models import Unit

    if isinstance(obj, Unit):
        return obj
    path = getattr(type(obj), "unit_path", None)
    if not path or path == "pk":
        return None
    target = obj
    for part in path.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def record(*, actor, action: str, obj: models.Model, before: dict | None = None, after: dict | None = None,
           unit=None) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None and actor.is_authenticated else "",
        ip_address=client_address.get(),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        unit=unit if unit is not None else unit_of(obj),
        before=before,
        after=after,
    )
