# Fixtures of other folders for the cross-cutting tests here: feedback (categories, consent, a report
# maker) for the security tests; index (a small framework, an open campaign of communes A and B, its
# published result) for i18n and the exports; steering (a plan, make_task) for the exports.
from tests.dxboard.feedback.conftest import fb, make_report  # noqa: F401
from tests.dxboard.index.conftest import campaign, published, small_framework, sub_a, sub_b  # noqa: F401
from tests.dxboard.steering.conftest import holidays, make_task, plan  # noqa: F401
