"""The health probe reports the real Redis broker (runs on a real worker: tests/integration/test_runs.py)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.services


def test_healthz_reports_the_redis_broker(redis_url, db, client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["broker"] == {"ok": True, "mode": "redis"}
