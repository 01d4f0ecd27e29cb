"""Rate limits count per token: one token's batch job does not lock out another token."""

import pytest

MUNICIPALITIES = "/api/v1/municipalities/"


@pytest.fixture
def low_limits(settings):
    settings.GMR_API_THROTTLE_RATES = {"read": "2/minute", "write": "1/minute"}


def test_token_over_its_read_rate_gets_429_with_retry_after(api_as, corp_owner, low_limits):
    client = api_as(corp_owner)
    assert [client.get(MUNICIPALITIES).status_code for _ in range(3)] == [200, 200, 429]
    response = client.get(MUNICIPALITIES)
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["code"] == "throttled"


def test_another_token_of_the_same_user_has_its_own_budget(api_as, corp_owner, low_limits):
    busy, other = api_as(corp_owner), api_as(corp_owner)
    for _ in range(2):
        busy.get(MUNICIPALITIES)
    assert busy.get(MUNICIPALITIES).status_code == 429
    assert other.get(MUNICIPALITIES).status_code == 200


def test_writes_have_their_own_budget(api_as, corp_owner, groups, low_limits):
    client = api_as(corp_owner)
    report = {
        "municipality": "GM0293",
        "target_group": "statushouders",
        "date": "2026-01-05",
        "count": 1,
    }
    assert client.post("/api/v1/allocations/", report, format="json").status_code == 201
    assert client.post("/api/v1/allocations/", report, format="json").status_code == 429
    assert client.get(MUNICIPALITIES).status_code == 200
