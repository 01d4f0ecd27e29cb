"""Reference data for the screen tests: Westervoort with the seed's own figures, and Nijmegen."""

import pytest

from municipalities.models import CareClientCount, Indicator, MunicipalityFigure

SEED_SOURCE = "seed: gemeenteprofiel Westervoort"
WESTERVOORT_FIGURES = {
    Indicator.INHABITANTS: 15114,
    Indicator.DWELLINGS: 6766,
    Indicator.SOCIAL_RENT: 2098,
    Indicator.SHARE_75_PLUS: 8,
    Indicator.LABOUR_MIGRANTS: 275,
    Indicator.CARAVAN_DWELLERS: 8,
}
WESTERVOORT_CARE = {
    "bw_wmo": 27,
    "bw_wlz": 45,
    "mo": 0,
    "vo": 0,
    "youth_care": 40,
    "vg": 90,
    "lg": 10,
}
# Nijmegen's test figures are chosen so the region adds up to 100,000 inhabitants: a regional
# share is then easy to check by hand.
NIJMEGEN_FIGURES = {
    Indicator.INHABITANTS: 84886,
    Indicator.DWELLINGS: 43234,
    Indicator.SOCIAL_RENT: 12902,
    Indicator.TURNOVER: 910,
    Indicator.SHARE_75_PLUS: 7,
    Indicator.LABOUR_MIGRANTS: 1725,
    Indicator.CARAVAN_DWELLERS: 42,
}
NIJMEGEN_CARE = {
    "bw_wmo": 133,
    "bw_wlz": 205,
    "mo": 50,
    "vo": 10,
    "youth_care": 220,
    "vg": 610,
    "lg": 110,
}
NIJMEGEN_SOURCE = "test: invented so that the region has 100,000 inhabitants"


def add_figures(municipality, year, figures, source, is_estimate):
    MunicipalityFigure.objects.bulk_create(
        MunicipalityFigure(
            municipality=municipality,
            year=year,
            indicator=indicator,
            value=value,
            source=source,
            is_estimate=is_estimate,
        )
        for indicator, value in figures.items()
    )


def add_care(municipality, year, counts, source, is_estimate):
    CareClientCount.objects.bulk_create(
        CareClientCount(
            municipality=municipality,
            year=year,
            care_type=care_type,
            count=count,
            source=source,
            is_estimate=is_estimate,
        )
        for care_type, count in counts.items()
    )


@pytest.fixture
def seed_figures(westervoort, nijmegen):
    """The seed's Westervoort (turnover from 2022, the rest 2024) next to an estimated Nijmegen."""
    add_figures(westervoort, 2024, WESTERVOORT_FIGURES, SEED_SOURCE, is_estimate=False)
    add_figures(westervoort, 2022, {Indicator.TURNOVER: 90}, SEED_SOURCE, is_estimate=False)
    add_care(westervoort, 2024, WESTERVOORT_CARE, SEED_SOURCE, is_estimate=False)
    add_figures(nijmegen, 2024, NIJMEGEN_FIGURES, NIJMEGEN_SOURCE, is_estimate=True)
    add_care(nijmegen, 2024, NIJMEGEN_CARE, NIJMEGEN_SOURCE, is_estimate=True)
    return westervoort
