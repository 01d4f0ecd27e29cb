"""Allocation reports carry a date of a plausible year; the API refuses others with a 400."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from monitoring import services
from monitoring.models import AllocationReport

ALLOCATIONS = "/api/v1/allocations/"
REPORT = {"municipality": "GM0293", "target_group": "uitstroom-bw", "count": 2}


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01"])
def test_an_implausible_report_date_is_a_400_with_a_dutch_message(api_as, corp_owner, groups, day):
    response = api_as(corp_owner).post(ALLOCATIONS, {**REPORT, "date": day}, format="json")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "date"
    assert error["message"] == f"{day} ligt niet tussen 1990 en 2100."
    assert not AllocationReport.objects.exists()


@pytest.mark.parametrize("day", ["1990-01-01", "2100-12-31"])
def test_the_first_and_last_plausible_days_are_accepted(api_as, corp_owner, groups, day):
    response = api_as(corp_owner).post(ALLOCATIONS, {**REPORT, "date": day}, format="json")
    assert response.status_code == 201
    assert AllocationReport.objects.get().date.isoformat() == day


def test_the_service_refuses_the_date_itself(corp_owner, vivare, westervoort, groups):
    with pytest.raises(ValidationError) as caught:
        services.allocation_report_create(
            user=corp_owner,
            corporation=vivare,
            municipality=westervoort,
            target_group=groups["uitstroom-bw"],
            date=datetime.date(9999, 12, 31),
            count=1,
        )
    assert caught.value.message_dict == {"date": ["9999-12-31 ligt niet tussen 1990 en 2100."]}
    assert not AllocationReport.objects.exists()
