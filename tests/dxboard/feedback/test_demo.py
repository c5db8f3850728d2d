import pytest

from dxboard.feedback import routing
from dxboard.feedback.models import Assignment, Report, Status


@pytest.fixture
def demo_db(tree, personas):
    # the demo's communes come from the tree: A and B (and the admin persona of the province)
    return tree


def test_demo_loads_every_state_and_is_idempotent(demo_db):
    from dxboard.feedback.demo import N_REPORTS, load_demo

    assert load_demo() == N_REPORTS
    assert load_demo() == 0
    assert Report.objects.count() == N_REPORTS and not Report.objects.filter(is_demo=False).exists()
    states = set(Report.objects.values_list("status", flat=True))
    assert {Status.RECEIVED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED, Status.REJECTED} <= states
    assert Assignment.objects.filter(outcome="rerouted").exists()
    assert Assignment.objects.filter(reopened=True).exists()
    assert routing.evaluate()["accuracy"] is not None
