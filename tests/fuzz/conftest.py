import pytest

# The apps' fixtures the fuzz targets build on (a feedback intake with categories; a campaign on the small
# index framework). `_media` is autouse there and here: files go to a temporary MEDIA_ROOT.
from tests.dxboard.feedback.conftest import _media, fb, make_report  # noqa: F401
from tests.dxboard.index.conftest import campaign, small_framework, sub_a  # noqa: F401


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes database connections after each request; inside a test transaction that
    would close the test's own connection (Django's test client disconnects the same signals)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
