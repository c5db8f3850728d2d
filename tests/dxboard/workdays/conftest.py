# The steering programme's fixtures (the shipped calendar loaded, a plan, make_task): the office's page
# is tested by the deadlines it moves.
from tests.dxboard.steering.conftest import holidays, make_task, plan  # noqa: F401 — fixtures
