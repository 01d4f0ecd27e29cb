"""Neighbourhoods and their concentration figures through the API: read-only, scoped."""

import pytest

from monitoring.models import Realisation
from municipalities.models import Neighbourhood, NeighbourhoodFigure

NEIGHBOURHOODS = "/api/v1/neighbourhoods/"
CONCENTRATION = "/api/v1/neighbourhood-concentration/"


@pytest.fixture
def districts(westervoort, nijmegen, groups):
    made = {}
    for municipality, code, name, placements in (
        (westervoort, "WK029300", "Noord", 1),
        (westervoort, "WK029301", "Zuid", 8),
        (nijmegen, "WK026807", "Hatert", 2),
    ):
        n = Neighbourhood.objects.create(
            code=code, kind="wijk", name=name, municipality=municipality
        )
        for indicator, value in (("dwellings", 1000), ("social_rent_dwellings", 250)):
            NeighbourhoodFigure.objects.create(
                neighbourhood=n,
                year=2024,
                indicator=indicator,
                value=value,
                source="test",
                is_estimate=True,
            )
        Realisation.objects.create(
            municipality=municipality,
            target_group=groups["statushouders"],
            year=2026,
            quarter=1,
            placements=placements,
            neighbourhood=n,
        )
        made[code] = n
    return made


@pytest.mark.parametrize(
    ("caller", "codes"),
    [
        ("owner", ["WK029300", "WK029301"]),  # Vivare: stock in Westervoort
        ("outsider", ["WK026807"]),  # Portaal: stock in Nijmegen
    ],
    indirect=["caller"],
)
def test_a_corporation_sees_the_neighbourhoods_of_its_municipalities(caller, codes, districts):
    body = caller.get(NEIGHBOURHOODS).json()
    assert [row["code"] for row in body["results"]] == codes
    assert body["results"][0]["figures"][0]["is_estimate"] is True


@pytest.mark.parametrize(
    ("caller", "status"),
    [("owner", 200), ("outsider", 404), ("anonymous", 401)],
    indirect=["caller"],
)
def test_neighbourhood_detail_is_scoped(caller, status, districts):
    assert caller.get(f"{NEIGHBOURHOODS}WK029301/").status_code == status


def test_neighbourhoods_are_read_only(api_as, corp_owner, districts):
    response = api_as(corp_owner).post(NEIGHBOURHOODS, {"code": "WK029399"}, format="json")
    assert response.status_code == 405


def test_concentration_figures_with_flags(api_as, project_leader, districts):
    body = api_as(project_leader).get(CONCENTRATION, {"year": 2026}).json()
    rows = {row["code"]: row for row in body["results"]}
    assert set(rows) == {"WK029300", "WK029301", "WK026807"}
    zuid = rows["WK029301"]
    assert (zuid["placements"], zuid["rate_per_1000"], zuid["municipality_rate"]) == (8, 8.0, 4.5)
    assert zuid["region_rate"] == pytest.approx(11 / 3)
    assert zuid["reasons"] == ["concentration"]
    assert zuid["municipality"] == "GM0293"
    assert (zuid["first_year"], zuid["last_year"]) == (2024, 2026)
    flagged = api_as(project_leader).get(
        CONCENTRATION, {"year": 2026, "flagged": "true", "municipality": "GM0293"}
    )
    assert [row["code"] for row in flagged.json()["results"]] == ["WK029301"]


@pytest.mark.parametrize(
    ("caller", "codes"),
    [("owner", {"WK029300", "WK029301"}), ("outsider", {"WK026807"})],
    indirect=["caller"],
)
def test_concentration_is_scoped_to_what_the_caller_sees(caller, codes, districts):
    body = caller.get(CONCENTRATION, {"year": 2026}).json()
    assert {row["code"] for row in body["results"]} == codes


def test_a_bad_year_is_a_dutch_field_error(api_as, project_leader, districts):
    response = api_as(project_leader).get(CONCENTRATION, {"year": "volgend"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "year"
