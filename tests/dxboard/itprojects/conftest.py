import datetime

import pytest


def make_system(unit, code, **extra):
    from dxboard.itprojects.models import System

    fields = {"name": f"Hệ thống {code}", "domain": "documents", "stage": "operating", "owner": unit}
    fields.update(extra)
    return System.objects.create(code=code, **fields)


@pytest.fixture
def systems(tree):
    """One operating system per unit A, B, D (codes sys-a, sys-b, sys-d)."""
    return {key: make_system(tree[key], f"sys-{key.lower()}", go_live=datetime.date(2024, 1, 1))
            for key in ("A", "B", "D")}


@pytest.fixture
def campaign(personas, systems):
    from dxboard.itprojects import actions

    return actions.open_review_campaign(acting_user=personas["admin"], year=2026, name="Rà soát 2026",
                                        deadline=datetime.date(2026, 12, 15))
