"""The concentration check read from the records: which placements count, per role, in words."""

import datetime

import pytest

from monitoring.models import AllocationReport, Realisation
from monitoring.selectors import concentration_thresholds, neighbourhood_concentration
from municipalities.models import ConcentrationSettings, Neighbourhood, NeighbourhoodFigure
from tests import factories

SOURCE = "test: invented"


@pytest.fixture
def districts(westervoort):
    def district(code, name, dwellings, liveability, focus):
        n = Neighbourhood.objects.create(
            code=code, kind="wijk", name=name, municipality=westervoort
        )
        for indicator, value in (
            ("dwellings", dwellings),
            ("social_rent_dwellings", dwellings // 4),
            ("liveability_class", liveability),
            ("focus_area", focus),
        ):
            NeighbourhoodFigure.objects.create(
                neighbourhood=n,
                year=2024,
                indicator=indicator,
                value=value,
                source=SOURCE,
                is_estimate=True,
            )
        return n

    return {
        "noord": district("WK029300", "Noord", 1000, 7, 0),
        "zuid": district("WK029301", "Zuid", 1000, 4, 0),
    }


def realisation(municipality, group, year, quarter, placements, neighbourhood):
    return Realisation.objects.create(
        municipality=municipality,
        target_group=group,
        year=year,
        quarter=quarter,
        placements=placements,
        neighbourhood=neighbourhood,
    )


def test_placements_per_neighbourhood_with_reasons(
    project_leader, region, westervoort, groups, districts
):
    group = groups["statushouders"]
    realisation(westervoort, group, 2025, 1, 8, districts["zuid"])
    realisation(westervoort, group, 2026, 2, 1, districts["noord"])
    realisation(westervoort, group, 2026, 2, 50, None)  # no neighbourhood: not counted
    realisation(westervoort, group, 2022, 1, 40, districts["noord"])  # before the window
    result = neighbourhood_concentration(user=project_leader, region=region, year=2026)
    rows = result.set_index("code")
    assert rows["placements"].to_dict() == {"WK029300": 1, "WK029301": 8}
    assert rows.loc["WK029301", "rate_per_1000"] == 8.0
    assert rows.loc["WK029301", "rate_per_100_social"] == 3.2
    assert rows.loc["WK029301", "municipality_rate"] == 4.5
    # 8.0 > 1.5 × 4.5 = 6.75, and a weak liveability class above average.
    assert rows.loc["WK029301", "reason_text"] == (
        "boven 1,50× het gemiddelde van de gemeente; "
        "zwakke leefbaarheid (klasse 4) met bovengemiddeld veel plaatsingen"
    )
    assert not rows.loc["WK029300", "flagged"]
    assert (result.attrs["first_year"], result.attrs["last_year"]) == (2024, 2026)


def test_corporations_count_only_where_the_municipality_reported_no_neighbourhood(
    project_leader, region, westervoort, groups, districts
):
    corporation = factories.CorporationFactory(name="Vivare")
    group = groups["statushouders"]

    def report(day, count, neighbourhood):
        AllocationReport.objects.create(
            corporation=corporation,
            municipality=westervoort,
            target_group=group,
            date=day,
            count=count,
            neighbourhood=neighbourhood,
        )

    report(datetime.date(2026, 2, 1), 5, districts["noord"])  # Q1: the municipality reported
    report(datetime.date(2026, 5, 1), 3, districts["noord"])  # Q2: it did not
    realisation(westervoort, group, 2026, 1, 2, districts["zuid"])
    rows = neighbourhood_concentration(user=project_leader, region=region, year=2026).set_index(
        "code"
    )
    assert rows["placements"].to_dict() == {"WK029300": 3, "WK029301": 2}


def test_the_region_s_thresholds_are_read_and_default_when_unset(region):
    defaults = concentration_thresholds(region)
    assert (float(defaults.municipality_multiple), defaults.weak_liveability_class) == (1.5, 4)
    ConcentrationSettings.objects.create(region=region, municipality_multiple="2.00", years=5)
    assert (
        float(concentration_thresholds(region).municipality_multiple),
        concentration_thresholds(region).years,
    ) == (2.0, 5)


def test_a_member_of_another_region_sees_no_neighbourhoods(region, districts):
    other = factories.RegionFactory(name="Andere regio", slug="andere")
    outsider = factories.member(role="project_leader", region=other, username="pl-b")
    assert neighbourhood_concentration(user=outsider, region=other, year=2026).empty


def test_the_matcher_disfavours_an_offer_in_a_flagged_neighbourhood(
    project_leader, region, westervoort, groups, districts
):
    import pandas as pd

    from mediation.matching import match
    from monitoring.selectors import with_neighbourhood_flags

    realisation(westervoort, groups["statushouders"], 2026, 1, 8, districts["zuid"])
    realisation(westervoort, groups["statushouders"], 2026, 1, 1, districts["noord"])
    offers = pd.DataFrame(
        {
            "offer_id": [1, 2],
            "municipality": ["GM0293", "GM0293"],
            "rooms": [3, 3],
            "accessible": [False, False],
            "rent": [700, 700],
            "neighbourhood": ["BU02930101", "WK029300"],  # a buurt of Zuid; Noord
        }
    )
    offers = with_neighbourhood_flags(offers, user=project_leader, region=region, year=2026)
    assert offers["neighbourhood_flagged"].tolist() == [True, False]
    case = pd.DataFrame(
        [
            {
                "case_id": "WES-1",
                "municipality": "GM0293",
                "group": "statushouders",
                "rooms_min": 2,
                "accessible_needed": False,
                "rent_max": 750,
                "excluded": [],
                "preferred": [],
            }
        ]
    )
    assert match(case, offers)["offer_id"].tolist() == [2]
    alone = match(case, offers.iloc[[0]])
    assert "boven 1,50× het gemiddelde van de gemeente" in alone["explanation"].iloc[0]
