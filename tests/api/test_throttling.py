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


COUNTER = """
import sys, django
django.setup()
from gmr_thuis.api.throttling import take
key, now = sys.argv[1], float(sys.argv[2])
print(sum(take(key, 600, 60, now=now)[0] for _ in range(300)))
"""


@pytest.mark.services
def test_three_processes_together_let_exactly_the_budget_through(redis_url):
    import os
    import subprocess
    import sys
    import time
    import uuid

    key, now = f"throttle-test-{uuid.uuid4().hex}", str(time.time())
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "gmr_thuis.settings"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, key, now], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    allowed = [int(process.communicate(timeout=120)[0].strip()) for process in processes]

    # 900 requests in one window against a budget of 600: exactly 600 pass, whoever sent them.
    assert sum(allowed) == 600


def test_the_limit_fails_open_when_the_cache_is_down(api_as, corp_owner, low_limits, caplog):
    from unittest import mock

    client = api_as(corp_owner)
    with mock.patch("gmr_thuis.api.throttling.cache.add", side_effect=ConnectionError("down")):
        statuses = [client.get(MUNICIPALITIES).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert "rate limit not counted" in caplog.text
