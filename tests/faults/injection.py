"""Fault injection without mocking any of our components: the database connection itself fails.

`all_or_nothing(act)` runs an action again and again from the same starting state, with the k-th
query of the action (k = 1, 2, …) raising `InjectedFault` through `connection.execute_wrapper`, until
a run finishes without reaching the fault. After each failed run the database (every table, the audit
log included) and the media folder must be exactly as before; the last run must succeed.
"""

import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection


class InjectedFault(RuntimeError):
    pass


class FailAt:
    def __init__(self, k: int):
        self.k, self.seen, self.fired = k, 0, False

    def __call__(self, execute, sql, params, many, context):
        self.seen += 1
        if self.seen == self.k:
            self.fired = True
            raise InjectedFault(f"query {self.k}: {sql[:80]}")
        return execute(sql, params, many, context)


SKIP = {"sessions.session", "contenttypes.contenttype", "auth.permission"}


def fingerprint() -> dict:
    """Row count and a checksum of every table, and the files under MEDIA_ROOT."""
    out = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in SKIP or model._meta.proxy or not model._meta.managed:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        out[label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    media = Path(settings.MEDIA_ROOT)
    out["media"] = sorted((str(p.relative_to(media)), p.stat().st_size) for p in media.rglob("*") if p.is_file()) \
        if media.exists() else []
    return out


def diff(before: dict, after: dict) -> dict:
    return {k: (before.get(k), after.get(k)) for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def all_or_nothing(act, *, limit: int = 2000):
    """`act()` must fetch its objects afresh (a failed run may have changed them in memory). Returns
    (result of the successful run, number of faults injected)."""
    from dxboard.audit.models import AuditEntry

    start = fingerprint()
    for k in range(1, limit):
        trap = FailAt(k)
        try:
            with connection.execute_wrapper(trap):
                result = act()
        except Exception as exc:
            assert trap.fired, f"the action failed without an injected fault: {exc!r}"
            after = fingerprint()
            assert after == start, f"fault at query {k} ({exc}) left changes: {diff(start, after)}"
            continue
        assert not trap.fired, f"the fault at query {k} was swallowed and the action carried on"
        assert AuditEntry.objects.count() > start["audit.auditentry"][0], "the action wrote no audit row"
        return result, k - 1
    raise AssertionError(f"the action never finished within {limit} queries")
