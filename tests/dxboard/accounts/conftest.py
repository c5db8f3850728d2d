# The feedback fixtures, for the coverage test's objects of every app (a citizen report routed to a unit).
from tests.dxboard.feedback.conftest import fb, make_report  # noqa: F401
