# The feedback fixtures (categories, consent, a report maker) for the cross-cutting security tests here.
from tests.dxboard.feedback.conftest import fb, make_report  # noqa: F401
