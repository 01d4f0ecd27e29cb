"""The project pipeline through the API: read-only, scoped, in the schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from projects import services
from tests import factories
from tests.projects.conftest import project_values

PROJECTS = "/api/v1/projects/"


@pytest.fixture
def projects(project_leader, westervoort, nijmegen, groups):
    return {
        municipality.slug: services.project_create(
            user=project_leader,
            municipality=municipality,
            values=project_values(name=f"Hof {municipality.name}"),
            earmarks=[services.Earmark(groups["statushouders"], 4)],
        )
        for municipality in (westervoort, nijmegen)
    }


def names(response):
    return sorted(row["name"] for row in response.json()["results"])


@pytest.mark.parametrize("who", ["owner", "colleague", "outsider"])
def test_civil_servants_read_every_project_of_the_region(request, api_as, projects, who):
    response = api_as(request.getfixturevalue(who)).get(PROJECTS)

    assert response.status_code == 200
    assert names(response) == ["Hof Nijmegen", "Hof Westervoort"]


def test_a_corporation_reads_the_projects_of_its_municipalities_only(
    api_as, projects, corp_owner, corp_outsider
):
    assert names(api_as(corp_owner).get(PROJECTS)) == ["Hof Westervoort"]
    assert names(api_as(corp_outsider).get(PROJECTS)) == ["Hof Nijmegen"]
    westervoort = projects["westervoort"].pk
    assert api_as(corp_outsider).get(f"{PROJECTS}{westervoort}/").status_code == 404


def test_a_project_carries_its_homes_groups_and_phase_history(api_as, projects, owner):
    project = projects["westervoort"]
    services.project_move_phase(
        user=owner, project=project, version=1, phase="plan", on="2026-01-05"
    )

    body = api_as(owner).get(f"{PROJECTS}{project.pk}/").json()

    assert body["municipality"] == "GM0293"
    assert (body["homes_total"], body["social_rent"], body["clustered"]) == (30, 20, 20)
    assert body["target_groups"] == [{"target_group": "statushouders", "earmarked_homes": 4}]
    assert [step["phase"] for step in body["steps"]] == ["idea", "plan"]


def test_the_api_writes_nothing(api_as, projects, owner):
    client = api_as(owner)
    url = f"{PROJECTS}{projects['westervoort'].pk}/"

    assert client.post(PROJECTS, {"name": "x"}).status_code == 405
    assert client.patch(url, {"name": "x"}).status_code == 405
    assert client.delete(url).status_code == 405


def test_a_steering_member_reads_but_an_anonymous_caller_is_refused(
    api_as, projects, steering_member
):
    from rest_framework.test import APIClient

    assert names(api_as(steering_member).get(PROJECTS)) == ["Hof Nijmegen", "Hof Westervoort"]
    assert APIClient().get(PROJECTS).status_code == 401


def test_filter_by_municipality(api_as, projects, owner):
    assert names(api_as(owner).get(PROJECTS, {"municipality": "GM0268"})) == ["Hof Nijmegen"]


def test_projects_are_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert "/api/v1/projects/" in schema["paths"]
    assert "get" in schema["paths"]["/api/v1/projects/{id}/"]
    assert "post" not in schema["paths"]["/api/v1/projects/"]


OLDER_PEOPLE = "/api/v1/older-people/"


@pytest.fixture
def older_people_figures(westervoort, nijmegen):
    for municipality, inhabitants in ((westervoort, 15114), (nijmegen, 181000)):
        factories.FigureFactory(
            municipality=municipality, year=2024, indicator="inhabitants", value=inhabitants
        )
        factories.FigureFactory(
            municipality=municipality, year=2024, indicator="share_75_plus", value=8
        )


@pytest.mark.parametrize("who", ["owner", "colleague", "outsider"])
def test_civil_servants_read_the_older_peoples_task(request, api_as, older_people_figures, who):
    body = api_as(request.getfixturevalue(who)).get(OLDER_PEOPLE).json()

    assert [row["municipality"] for row in body["results"]] == ["GM0268", "GM0293"]
    westervoort = body["results"][1]
    assert westervoort["is_estimate"] is True
    year_2030 = next(y for y in westervoort["years"] if y["year"] == 2030)
    assert year_2030["gap"]["zero_step"] == pytest.approx(75.2, abs=0.01)


def test_a_corporation_reads_the_older_peoples_task_of_its_municipalities_only(
    api_as, older_people_figures, corp_owner
):
    client = api_as(corp_owner)

    body = client.get(OLDER_PEOPLE).json()

    assert [row["municipality"] for row in body["results"]] == ["GM0293"]
    assert client.get(f"{OLDER_PEOPLE}GM0268/").status_code == 404
    assert client.get(f"{OLDER_PEOPLE}GM0293/").json()["base_year"] == 2024


def test_older_people_is_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert "/api/v1/older-people/{cbs_code}/" in schema["paths"]
