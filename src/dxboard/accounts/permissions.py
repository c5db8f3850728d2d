"""Who may do what, on which units. The one place where roles become querysets.

- A province administrator (role `admin`) and a superuser act everywhere.
- A leader reads everything and approves.
- An officer acts (view / add / change / delete) on their unit and the units under it.
- A reviewer views and reviews the units assigned to them.
A model may narrow these grants with a `grants` attribute ({role: actions}).
"""

from django.contrib.auth.models import AnonymousUser

from .models import Membership, Role

EVERYTHING = object()  # sentinel: no filter needed

DEFAULT_GRANTS: dict[str, set[str]] = {
    Role.OFFICER: {"view", "add", "change", "delete"},
    Role.REVIEWER: {"view", "review"},
    Role.LEADER: {"view", "approve"},
}
# Roles whose grant covers the whole province rather than their own unit's subtree.
PROVINCE_WIDE = {Role.LEADER}


def memberships(user) -> list[Membership]:
    """The user's memberships, loaded once per user object (i.e. once per request)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return []
    cached = getattr(user, "_dx_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._dx_memberships = cached
    return cached


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser) or any(
        m.role == Role.ADMIN for m in memberships(user)
    )


def roles(user) -> set[str]:
    found = {m.role for m in memberships(user)}
    if user is not None and user.is_authenticated and user.is_superuser:
        found.add(Role.ADMIN)
    return found


def _subtree(unit_ids: set[int]) -> set[int]:
    from dxboard.units.models import Unit

    found = set(unit_ids)
    frontier = set(unit_ids)
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def scope(user, action: str, model=None):
    """EVERYTHING, or the set of unit ids on which `user` may do `action` to objects of `model`."""
    if is_admin(user):
        return EVERYTHING
    grants = getattr(model, "grants", None) or DEFAULT_GRANTS
    own: set[int] = set()
    for m in memberships(user):
        if action not in grants.get(m.role, DEFAULT_GRANTS.get(m.role, set())):
            continue
        if m.role in PROVINCE_WIDE:
            return EVERYTHING
        own.add(m.unit_id)
    if not own:
        return set()
    # the subtree, like the memberships, read once per user object (once per request): a save asked
    # three times (the answer's lookup, the action's check, the partial's "may edit")
    subtrees = getattr(user, "_dx_subtrees", None)
    if subtrees is None:
        subtrees = user._dx_subtrees = {}
    key = frozenset(own)
    if key not in subtrees:
        subtrees[key] = frozenset(_subtree(own))
    return subtrees[key]


def can(user, action: str, unit, model=None) -> bool:
    """May `user` do `action` on an object of `model` that belongs to `unit`?"""
    allowed = scope(user, action, model)
    return allowed is EVERYTHING or (unit is not None and unit.pk in allowed)
