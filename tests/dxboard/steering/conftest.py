import datetime

import pytest

from tests.smtp import smtp_server  # noqa: F401  (fixture)

D = datetime.date
JUNE_30 = D(2025, 6, 30)


@pytest.fixture
def holidays(db):
    from dxboard.workdays.loader import load_holidays

    load_holidays()


@pytest.fixture
def plan(tree, personas, holidays):
    from dxboard.steering import actions

    return actions.create_plan(acting_user=personas["admin"], unit=tree["P"], title="Kế hoạch CĐS 2025", year=2025,
                               start=D(2025, 1, 1), end=D(2026, 12, 31))


@pytest.fixture
def make_task(plan, tree, personas):
    from dxboard.steering import actions

    def _make(lead="A", deadline=JUNE_30, coord=(), **kw):
        return actions.create_task(acting_user=personas["admin"], plan=plan, title=kw.pop("title", f"Nhiệm vụ {lead}"),
                                   lead_unit=tree[lead], deadline=deadline,
                                   coordinating_units=[tree[c] for c in coord], **kw)

    return _make


@pytest.fixture
def emails(personas):
    """Give the personas e-mail addresses."""
    for name, user in personas.items():
        if user is not None:
            user.email = f"{name}@example.org"
            user.save(update_fields=["email"])
    return personas
