"""Schemathesis generates requests from our OpenAPI schema: none may end in a server error."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from gmr_thuis.tokens import api_token_issue
from gmr_thuis.wsgi import application

# Bounded: every operation gets at most this many generated requests per run.
MAX_EXAMPLES = 20


@pytest.fixture
def api_schema(db):
    # The WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's own test client unhooks the same signal.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def write_key(corp_owner, approve_targets, westervoort, groups, settings):
    settings.GMR_API_THROTTLE_RATES = {"read": "100000/minute", "write": "100000/minute"}
    approve_targets({(westervoort, group, 2026): 3 for group in groups.values()})
    _token, key = api_token_issue(issued_by=None, user=corp_owner, name="fuzz", can_write=True)
    return key


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_never_cause_a_server_error(case, write_key):
    case.call_and_validate(
        headers={"Authorization": f"Token {write_key}"}, checks=[not_a_server_error]
    )
