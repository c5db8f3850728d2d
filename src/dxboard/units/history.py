"""A unit's lineage: the units it was made from and the units made from it, followed through
every succession (a ward of 2024 → the commune of 2025 → whatever comes next)."""

from .models import Unit, UnitSuccession


def predecessors(unit: Unit) -> list[UnitSuccession]:
    return list(unit.predecessions.prefetch_related("predecessors__parent").order_by("-date"))


def successors(unit: Unit) -> list[UnitSuccession]:
    return list(unit.successions.select_related("successor").order_by("date"))

