"""The older people's task: the worked Westervoort example of docs/projects.md, recomputed from
the GMR fixture figures, the pipeline lowering the gap, and the regional translation."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from municipalities.models import Municipality
from projects import services
from projects.models import OlderPeopleNorm, OlderPeopleStock
from projects.older_people import (
    default_norms,
    national_75_plus,
    older_people_task,
    regional_translation,
)
from tests import factories
from tests.projects.conftest import project_values


@pytest.fixture
def gmr(db):
    call_command("load_gmr_data", stdout=StringIO())
    westervoort = Municipality.objects.get(cbs_code="GM0293")
    return westervoort, factories.member(
        role="civil_servant", municipality=westervoort, username="wim"
    )


def westervoort_row(user):
    rows = older_people_task(user=user, region=user.membership.region)
    return next(r for r in rows if r.municipality.cbs_code == "GM0293"), rows


def test_default_norms_follow_from_the_national_programme():
    assert national_75_plus(2030) == 2_000_000
    assert national_75_plus(2024) == 1_640_000
    norms = default_norms()
    assert float(norms["zero_step"]) == pytest.approx(283.333, abs=0.001)
    assert float(norms["clustered"]) == pytest.approx(133.333, abs=0.001)
    assert float(norms["nursing_care"]) == pytest.approx(66.667, abs=0.001)


def test_westervoort_worked_example(gmr):
    """The numbers of docs/projects.md, "Worked example: Westervoort"."""
    _westervoort, user = gmr
    row, _rows = westervoort_row(user)

    assert row.base_year == 2024
    assert float(row.aged_75_plus[2024]) == pytest.approx(1209.12)
    assert float(row.aged_75_plus[2030]) == pytest.approx(1474.54, abs=0.01)
    assert float(row.aged_75_plus[2040]) == pytest.approx(1916.90, abs=0.01)
    assert float(row.aged_85_plus[2030]) == pytest.approx(339.14, abs=0.01)
    assert float(row.need[("zero_step", 2030)]) == pytest.approx(417.79, abs=0.01)
    assert float(row.stock["zero_step"]) == pytest.approx(342.58, abs=0.01)
    assert float(row.gap("zero_step", 2030)) == pytest.approx(75.20, abs=0.01)
    assert float(row.gap("clustered", 2030)) == pytest.approx(35.39, abs=0.01)
    assert float(row.gap("nursing_care", 2030)) == pytest.approx(17.69, abs=0.01)


def test_a_counted_stock_replaces_the_estimate_of_its_kind(client, gmr):
    westervoort, user = gmr
    OlderPeopleStock.objects.create(
        municipality=westervoort, suitability="clustered", year=2022, count=999, source="old"
    )
    OlderPeopleStock.objects.create(
        municipality=westervoort,
        suitability="clustered",
        year=2024,
        count=120,
        source="Woonzorgwijzer",
    )
    row, _rows = westervoort_row(user)

    # The latest count replaces the estimate; the other kinds keep theirs.
    assert row.stock["clustered"] == 120
    assert row.stock_counted == {"clustered": "Woonzorgwijzer (2024)"}
    assert float(row.need[("clustered", 2030)]) == pytest.approx(196.61, abs=0.01)
    assert float(row.gap("clustered", 2030)) == pytest.approx(196.61 - 120, abs=0.01)
    assert float(row.gap("zero_step", 2030)) == pytest.approx(75.20, abs=0.01)


def test_the_pipeline_lowers_the_gap_by_its_expected_homes(gmr):
    westervoort, user = gmr
    project = services.project_create(
        user=user,
        municipality=westervoort,
        values=project_values(expected_delivery_year=2027),
        phase=("plan", date(2025, 1, 1)),
    )
    row, _rows = westervoort_row(user)
    # 20 clustered homes in plan (chance 0.5): 10 expected.
    assert float(row.gap("clustered", 2030)) == pytest.approx(35.39 - 10, abs=0.01)

    services.project_move_phase(
        user=user, project=project, version=1, phase="permit", on=date(2025, 6, 1)
    )
    row, _rows = westervoort_row(user)
    assert float(row.gap("clustered", 2030)) == pytest.approx(35.39 - 16, abs=0.01)


def test_region_norms_replace_the_defaults(gmr):
    _westervoort, user = gmr
    OlderPeopleNorm.objects.create(
        region=user.membership.region, suitability="zero_step", per_thousand=100
    )
    row, _rows = westervoort_row(user)
    assert float(row.gap("zero_step", 2030)) == pytest.approx(100 * (1474.5366 - 1209.12) / 1000)


def test_regional_translation_is_the_share_of_the_national_75_plus_growth(gmr):
    _westervoort, user = gmr
    _row, rows = westervoort_row(user)
    regional_75_plus = sum(float(r.aged_75_plus[2024]) for r in rows)

    translation = regional_translation(rows)

    share = regional_75_plus / 1_640_000
    assert float(translation["share"]) == pytest.approx(share)
    assert float(translation["zero_step"]) == pytest.approx(170_000 * share)


def test_dashboard_shows_the_gap_and_the_translation(client, gmr):
    _westervoort, user = gmr
    client.force_login(user)

    response = client.get("/projecten/ouderen/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-gap="GM0293-zero_step">75<' in html
    assert "Het landelijke doel vertaald naar de regio" in html


FORECAST_HEADER = "gemeente,jaar,inwoners,inwoners_75plus,inwoners_85plus,bron"


def forecast_file(*lines):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "\n".join([FORECAST_HEADER, *lines])
    return SimpleUploadedFile("prognose.csv", body.encode(), "text/csv")


def test_an_imported_forecast_replaces_the_estimate(gmr):
    from projects.importers import parse_older_population

    _westervoort, user = gmr
    rows = parse_older_population(
        forecast_file("GM0293,2030,15300,1600,400,Primos 2024"), user=user
    )
    services.older_population_import(user=user, rows=rows)

    row, _rows = westervoort_row(user)

    assert (row.aged_75_plus[2030], row.aged_85_plus[2030]) == (1600, 400)
    assert float(row.gap("zero_step", 2030)) == pytest.approx(283.3333 * (1600 - 1209.12) / 1000)
    assert "Primos 2024" in row.source and row.is_estimate


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("GM0293,2030,1000,1200,100,Primos", "groter dan het aantal inwoners"),
        ("GM0293,2030,15000,1200,1300,Primos", "groter dan het aantal 75-plussers"),
        ("GM9999,2030,15000,1200,300,Primos", "onbekende CBS-code"),
        ("GM0293,2030,15000,-5,0,Primos", "geen geheel getal"),
        ("GM0293,2030,15000,1200,300,", "de bron ontbreekt"),
    ],
)
def test_a_bad_forecast_row_saves_nothing(gmr, line, message):
    from monitoring.importers import ImportRejected
    from projects.importers import parse_older_population
    from projects.models import OlderPopulationForecast

    _westervoort, user = gmr
    with pytest.raises(ImportRejected) as rejected:
        parse_older_population(forecast_file("GM0293,2040,16000,1900,450,Primos", line), user=user)

    assert rejected.value.errors[0].startswith("Rij 3: ")
    assert message in rejected.value.errors[0]
    assert not OlderPopulationForecast.objects.exists()
