"""Property-based checks of the REST API against its own OpenAPI schema (schemathesis), bounded for CI.
`make fuzz` runs the same with many more examples."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import checks

EXAMPLES = int(os.environ.get("DXBOARD_FUZZ_EXAMPLES", "8"))

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def token(tree, personas):
    """The calls are made as the province administrator (a token: machine clients' way in), so that the
    authenticated operations are exercised too, not only their 401."""
    from dxboard.accounts.actions import issue_api_token

    _token, secret = issue_api_token(acting_user=None, user=personas["admin"], name="fuzz")
    return secret


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_conforms_and_never_errors(case, token):
    # No 5xx, and every documented response matches its schema; status codes the schema does not list
    # (401/403/404/409 from permissions and locking) are not failures in themselves.
    case.call_and_validate(headers={"Authorization": f"Token {token}"},
                           excluded_checks=[checks.status_code_conformance, checks.negative_data_rejection,
                                            checks.positive_data_acceptance, checks.use_after_free,
                                            checks.ensure_resource_availability])
