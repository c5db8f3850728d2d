# Fixtures of other folders for the cross-cutting tests here: feedback (categories, consent, a report
# maker) for the security tests; index (a small framework, an open campaign of communes A and B) for i18n.
from tests.dxboard.feedback.conftest import fb, make_report  # noqa: F401
from tests.dxboard.index.conftest import campaign, small_framework, sub_a  # noqa: F401
