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


def social_new_construction(user, municipality, *, social_rent, mid_rent=0, year, phase):
    """A new-construction project of rented homes only, expected in `year`, in `phase`."""
    return services.project_create(
        user=user,
        municipality=municipality,
        values=project_values(
            kind="new_construction",
            homes_total=social_rent + mid_rent,
            social_rent=social_rent,
            mid_rent=mid_rent,
            owner_occupied=0,
            zero_step=0,
            clustered=0,
            expected_delivery_year=year,
        ),
        phase=phase,
    )


@pytest.fixture
def project(owner, westervoort):
    return services.project_create(
        user=owner, municipality=westervoort, values=project_values(), phase=("plan", None)
    )
