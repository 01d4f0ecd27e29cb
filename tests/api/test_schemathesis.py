"""Schemathesis generates requests from our OpenAPI schema and runs all its checks on the answers.

Not only "no server error": every status code, content type, header and body must be the one
the schema documents, data the schema allows must be accepted and data it forbids refused.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from gmr_thuis.tokens import api_token_issue
from gmr_thuis.wsgi import application

# Generated requests per operation in the fuzzing phase; with the coverage phase and the
# unsupported methods this is about 1,650 requests for the 15 operations (80 s on 2 cores).
MAX_EXAMPLES = 60
MIN_CASES = 1000
SENT = []

CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                # A report names a municipality and a target group by code; which codes exist
                # (and which municipalities the corporation may report for) no schema can list,
                # so a well-formed report of an unknown code is rightly a 400.
                "include-method": "POST",
                "include-path": "/api/v1/allocations/",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
                    }
                },
            }
        ]
    }
)


@pytest.fixture
def api_schema(db):
    # The WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's own test client unhooks the same signal.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, config=CONFIG)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def write_key(corp_owner, approve_targets, westervoort, groups, settings):
    # Raised for this run only: the fuzzer sends thousands of requests with one token.
    settings.GMR_API_THROTTLE_RATES = {"read": "100000/minute", "write": "100000/minute"}
    approve_targets({(westervoort, group, 2026): 3 for group in groups.values()})
    _token, key = api_token_issue(issued_by=None, user=corp_owner, name="fuzz", can_write=True)
    return key


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module", autouse=True)
def enough_cases_were_sent():
    yield
    assert len(SENT) >= MIN_CASES, f"only {len(SENT)} generated requests were sent"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_conform_to_the_schema(case, write_key):
    SENT.append(case.operation.label)
    # The generated key is replaced by a real one; a case that leaves the header out (to see
    # it refused) is sent without it.
    if "Authorization" in (case.headers or {}):
        case.headers["Authorization"] = f"Token {write_key}"
    case.call_and_validate()
