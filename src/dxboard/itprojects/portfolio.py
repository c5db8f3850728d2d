"""Portfolio figures of the IT registry, as pure functions over lists of systems.

They take any objects with the `System` attributes (model instances or simple stand-ins in tests) so
that each definition can be checked on hand-made cases. Definitions:

- The coverage figures count systems *in service* (stage accepted or operating): a planned project
  has no security level to approve yet, and a retired one needs none.
- `security_approved_share`: in service with a security level approved (status approved, level set).
- `security_current_share`: of those, the last assessment no older than `ASSESSMENT_VALID_DAYS`.
- `lgsp_share` / `ndxp_share`: in service and connected to the provincial LGSP / national NDXP.
- `sharing_share`: in service and sending at least one data set to another system (a recorded link).
- A system is *overdue for review* when in service and its last completed review is older than
  `REVIEW_EVERY_DAYS`, or it never had one.
Shares are fractions 0–1, or None when nothing is counted (no system in service).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

IN_SERVICE = ("accepted", "operating")
ASSESSMENT_VALID_DAYS = 2 * 365
REVIEW_EVERY_DAYS = 365


def in_service(system) -> bool:
    return system.stage in IN_SERVICE


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def security_current(system, as_of: datetime.date) -> bool:
    return (system.security_status == "approved" and system.security_level is not None
            and system.security_assessed is not None
            and (as_of - system.security_assessed).days <= ASSESSMENT_VALID_DAYS)


def coverage(systems: Iterable, sharing_ids: set[int], as_of: datetime.date) -> dict:
    """Counts and shares of the in-service systems (see the module docstring)."""
    live = [s for s in systems if in_service(s)]
    n = len(live)
    approved = sum(1 for s in live if s.security_status == "approved" and s.security_level is not None)
    current = sum(1 for s in live if security_current(s, as_of))
    lgsp = sum(1 for s in live if s.lgsp)
    ndxp = sum(1 for s in live if s.ndxp)
    sharing = sum(1 for s in live if s.pk in sharing_ids)
    return {
        "in_service": n,
        "security_approved": approved, "security_approved_share": _share(approved, n),
        "security_current": current, "security_current_share": _share(current, n),
        "lgsp": lgsp, "lgsp_share": _share(lgsp, n),
        "ndxp": ndxp, "ndxp_share": _share(ndxp, n),
        "sharing": sharing, "sharing_share": _share(sharing, n),
    }


def _money(value) -> Decimal:
    return Decimal(value) if value is not None else Decimal(0)


def breakdown(systems: Iterable, key: Callable, label: Callable | None = None) -> list[dict]:
    """Count and spend (approved, disbursed, yearly cost; million VND) per value of `key(system)`,
    largest count first."""
    rows: dict = {}
    for s in systems:
        k = key(s)
        row = rows.setdefault(k, {"key": k, "label": label(s) if label else k, "count": 0,
                                  "approved": Decimal(0), "disbursed": Decimal(0), "yearly_cost": Decimal(0)})
        row["count"] += 1
        row["approved"] += _money(s.budget_approved)
        row["disbursed"] += _money(s.budget_disbursed)
        row["yearly_cost"] += _money(s.yearly_cost)
    return sorted(rows.values(), key=lambda r: (-r["count"], str(r["label"])))


def totals(systems: Iterable) -> dict:
    systems = list(systems)
    return {"count": len(systems), "approved": sum((_money(s.budget_approved) for s in systems), Decimal(0)),
            "disbursed": sum((_money(s.budget_disbursed) for s in systems), Decimal(0)),
            "yearly_cost": sum((_money(s.yearly_cost) for s in systems), Decimal(0))}


def overdue(systems: Iterable, last_reviewed: dict[int, datetime.date], as_of: datetime.date) -> list:
    """In-service systems whose last completed review (by system pk) is missing or too old."""
    limit = as_of - datetime.timedelta(days=REVIEW_EVERY_DAYS)
    return [s for s in systems if in_service(s) and (last_reviewed.get(s.pk) is None or last_reviewed[s.pk] < limit)]


def usage_share(system) -> float | None:
    """Monthly active users against target users (may exceed 1)."""
    if not system.target_users or system.monthly_active_users is None:
        return None
    return round(system.monthly_active_users / system.target_users, 4)


# -- from the database -----------------------------------------------------------------------------
def sharing_ids(queryset) -> set[int]:
    """Pks of the systems in `queryset` that send at least one data set over a recorded link."""
    from .models import Link

    return set(Link.objects.filter(source__in=queryset).values_list("source_id", flat=True))


def last_reviewed(queryset) -> dict[int, datetime.date]:
    from django.db.models import Max
    from django.utils import timezone

    from .models import Review

    rows = (Review.objects.filter(system__in=queryset, status=Review.Status.DONE)
            .values("system_id").annotate(last=Max("reviewed_at")))
    return {r["system_id"]: timezone.localtime(r["last"]).date() for r in rows if r["last"]}


def summary(queryset, as_of: datetime.date) -> dict:
    """Every portfolio figure for the systems of `queryset` (already restricted to the reader)."""
    systems = list(queryset.select_related("owner"))
    return {
        "totals": totals(systems),
        "coverage": coverage(systems, sharing_ids(queryset), as_of),
        "by_stage": breakdown(systems, lambda s: s.stage, lambda s: s.get_stage_display()),
        "by_owner": breakdown(systems, lambda s: s.owner_id, lambda s: s.owner.name),
        "by_domain": breakdown(systems, lambda s: s.domain, lambda s: s.get_domain_display()),
        "overdue": overdue(systems, last_reviewed(queryset), as_of),
    }
