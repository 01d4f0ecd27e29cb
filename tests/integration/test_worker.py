"""A real Celery worker over Redis: the regional-averages task runs in another process."""

from decimal import Decimal

import pytest
from django.urls import reverse

from gmr_thuis import tasks
from municipalities.models import CareClientCount, Indicator
from tests import factories

pytestmark = pytest.mark.services


def test_worker_computes_regional_shares_from_the_test_database(
    celery_worker_process, westervoort, nijmegen, project_leader
):
    for municipality, inhabitants, clients in [(westervoort, 15114, 27), (nijmegen, 84886, 133)]:
        factories.FigureFactory(
            municipality=municipality, indicator=Indicator.INHABITANTS, value=inhabitants
        )
        CareClientCount.objects.create(
            municipality=municipality, year=2024, care_type="bw_wmo", count=clients, source="test"
        )

    result = tasks.regional_shares.delay(
        user_id=project_leader.pk, region_id=westervoort.region_id, year=2024
    )
    shares = result.get(timeout=30)

    # (27 + 133) clients over 100,000 inhabitants, computed by the worker from the test database.
    assert Decimal(shares["bw_wmo"]) == Decimal("0.16")
    assert celery_worker_process.poll() is None  # the worker answered and still runs


def test_healthz_reports_the_redis_broker(redis_url, db, client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["broker"] == {"ok": True, "mode": "redis"}
