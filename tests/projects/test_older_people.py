"""The older people's task: the Westervoort worked example of docs/older_people.md, the
national goal's translation, and the forecast import's refusals."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from projects import older_people, selectors
from projects.importers import ImportRejected, import_forecast
from projects.models import OlderPeopleForecast


@pytest.fixture
def loaded(gmr):
    call_command("load_older_people_data", stdout=StringIO())
    return gmr


def test_default_norms_follow_from_the_national_programme():
    # 170,000 / 80,000 / 40,000 over the growth of 600,000 people aged 75+ (2020-2030), per 1,000
    assert older_people.default_norms() == {
        "zero_step": round(170_000 / 600_000 * 1000, 2),
        "clustered": round(80_000 / 600_000 * 1000, 2),
        "nursing_care": round(40_000 / 600_000 * 1000, 2),
    }


def test_westervoort_worked_example(loaded, civil_servant):
    """docs/older_people.md, "Worked example: Westervoort in 2030"."""
    task = selectors.older_people_task(user=civil_servant, region=loaded.region)
    own = task[(task["cbs_code"] == "GM0293") & (task["year"] == 2030)].set_index("kind")

    assert own.at["zero_step", "aged_75_plus"] == 1475  # 15,114 x 8% x 2.0 / 1.64 million
    assert round(own.at["zero_step", "need"], 1) == 417.9  # 1,475 x 283.33 / 1,000
    assert round(own.at["clustered", "need"], 1) == 196.7
    assert round(own.at["nursing_care", "need"], 1) == 98.3
    assert own.at["zero_step", "stock"] == 292
    assert round(own.at["zero_step", "gap"], 1) == 125.9
    assert round(own.at["clustered", "gap"], 1) == 58.7
    assert round(own.at["nursing_care", "gap"], 1) == 29.3
    assert own["is_estimate"].all()


def test_the_pipeline_reduces_the_gap(loaded, civil_servant):
    from projects import services
    from tests.projects.conftest import project_values

    before = selectors.older_people_task(user=civil_servant, region=loaded.region)
    services.project_create(
        user=civil_servant,
        municipality=loaded,
        values=project_values(phase="permit", expected_year=2027, homes_zero_step=30),
    )
    after = selectors.older_people_task(user=civil_servant, region=loaded.region)

    def gap(frame, year):
        row = frame[(frame["cbs_code"] == "GM0293") & (frame["year"] == year)]
        return row.set_index("kind").at["zero_step", "gap"]

    assert gap(after, 2026) == gap(before, 2026)
    assert gap(before, 2030) - gap(after, 2030) == pytest.approx(30 * 0.9)


def test_regional_translation_of_the_national_goal(loaded, leader):
    goal = selectors.regional_goal(user=leader, region=loaded.region)

    share = goal["share"]
    assert 0 < share < 0.1
    rows = {row["kind"]: row for row in goal["rows"]}
    assert rows["zero_step"]["translated"] == pytest.approx(170_000 * share)
    assert sum(r["translated"] for r in rows.values()) == pytest.approx(290_000 * share)


def _csv(text):
    return SimpleUploadedFile("prognose.csv", text.encode(), "text/csv")


def test_forecast_with_more_75_plus_than_inhabitants_is_refused(loaded):
    before = OlderPeopleForecast.objects.get(municipality=loaded, year=2030).aged_75_plus
    upload = _csv(
        "gemeente,jaar,inwoners,inwoners_75plus,inwoners_85plus\n"
        "GM0293,2030,15000,1500,400\n"
        "GM0293,2040,1000,1200,300\n"
    )

    with pytest.raises(ImportRejected) as refused:
        import_forecast(upload, municipalities=[loaded])

    assert refused.value.errors == [
        "Rij 3: 1200 inwoners van 75+ is meer dan het totaal van 1000 inwoners."
    ]
    assert OlderPeopleForecast.objects.get(municipality=loaded, year=2030).aged_75_plus == before


def test_official_forecast_replaces_the_estimate(loaded):
    upload = _csv(
        "gemeente;jaar;inwoners;inwoners_75plus;inwoners_85plus;bron\n"
        "Westervoort;2030;15200;1600;420;Provincie Gelderland prognose 2024\n"
    )

    assert import_forecast(upload, municipalities=[loaded]) == 1
    row = OlderPeopleForecast.objects.get(municipality=loaded, year=2030)
    assert (row.aged_75_plus, row.is_estimate, row.source) == (
        1600,
        False,
        "Provincie Gelderland prognose 2024",
    )
