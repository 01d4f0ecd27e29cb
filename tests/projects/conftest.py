"""Fixtures of the project pipeline: a Westervoort project in plan."""

import pytest

from projects import services

# The small allocation region (two municipalities, two groups, a 2025–2026 scenario).
from tests.allocation.conftest import (  # noqa: F401  (fixtures)
    groups,
    methodology,
    reference_data,
    scenario,
)


def project_values(**overrides):
    values = {
        "name": "Hof van Westervoort",
        "kind": "clustered_older",
        "homes_total": 30,
        "social_rent": 20,
        "mid_rent": 6,
        "owner_occupied": 4,
        "zero_step": 10,
        "clustered": 20,
        "nursing_care": 0,
        "plan_year": 2025,
        "expected_delivery_year": 2027,
    }
    return values | overrides


@pytest.fixture
def project(owner, westervoort):
    return services.project_create(
        user=owner, municipality=westervoort, values=project_values(), phase=("plan", None)
    )
