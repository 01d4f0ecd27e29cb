"""A small region to allocate: two municipalities, two target groups, two years of tasks."""

import pytest

from allocation.models import Methodology, MethodologyGroupRule, Scenario
from municipalities.models import CareClientCount, Indicator, RegionalTask
from tests import factories

SOURCE = "Testgegevens, verzonnen voor de tests"
FIGURES = {
    # Made-up numbers in a plausible shape, marked as estimates.
    "GM0293": {
        Indicator.INHABITANTS: 15114,
        Indicator.DWELLINGS: 6766,
        Indicator.SOCIAL_RENT: 2098,
        Indicator.TURNOVER: 90,
        Indicator.NEW_CONSTRUCTION: 40,
    },
    "GM0268": {
        Indicator.INHABITANTS: 179073,
        Indicator.DWELLINGS: 85000,
        Indicator.SOCIAL_RENT: 30000,
        Indicator.TURNOVER: 1500,
        Indicator.NEW_CONSTRUCTION: 900,
    },
}


@pytest.fixture
def groups(db):
    return {
        "statushouders": factories.TargetGroupFactory(code="statushouders", sort_order=1),
        "uitstroom-bw": factories.TargetGroupFactory(code="uitstroom-bw", sort_order=2),
    }


@pytest.fixture
def reference_data(region, westervoort, nijmegen, groups):
    for municipality in (westervoort, nijmegen):
        for indicator, value in FIGURES[municipality.cbs_code].items():
            factories.FigureFactory(
                municipality=municipality,
                year=2024,
                indicator=indicator,
                value=value,
                source=SOURCE,
                is_estimate=True,
            )
    CareClientCount.objects.create(
        municipality=nijmegen,
        year=2024,
        care_type="bw_wmo",
        count=300,
        source=SOURCE,
        is_estimate=True,
    )
    for year in (2025, 2026):
        for code, amount in (("statushouders", 100), ("uitstroom-bw", 40)):
            RegionalTask.objects.create(
                region=region,
                target_group=groups[code],
                year=year,
                amount=amount,
                source=SOURCE,
                is_estimate=True,
            )
    return region


@pytest.fixture
def methodology(groups):
    methodology = Methodology.objects.create(name="Test", slug="test")
    MethodologyGroupRule.objects.create(
        methodology=methodology,
        target_group=groups["statushouders"],
        key_weights={"inhabitants": 1.0},
    )
    MethodologyGroupRule.objects.create(
        methodology=methodology,
        target_group=groups["uitstroom-bw"],
        key_weights={"inhabitants": 1.0},
        correct_for_carried=True,
        capped=True,
    )
    return methodology


@pytest.fixture
def scenario(reference_data, methodology):
    return Scenario.objects.create(
        name="Test 2025–2026",
        slug="test-2025-2026",
        region=reference_data,
        methodology=methodology,
        first_year=2025,
        last_year=2026,
        data_year=2024,
    )
