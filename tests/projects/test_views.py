"""Screens of the project pipeline for an owner, a colleague and an outsider."""

from projects.models import Project
from tests.projects.conftest import project_values


def form_data(**overrides):
    return project_values(**overrides) | {
        "neighbourhood_code": "",
        "developer": "",
        "corporation": "",
    }


def test_owner_creates_a_project_through_the_form(client, owner, westervoort):
    client.force_login(owner)

    response = client.post("/projecten/gemeente/westervoort/nieuw/", form_data())

    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projecten/{project.pk}/"


def test_form_shows_the_dutch_refusal_and_saves_nothing(client, owner, westervoort):
    client.force_login(owner)

    response = client.post("/projecten/gemeente/westervoort/nieuw/", form_data(homes_total=99))

    assert response.status_code == 200
    assert "tellen niet op tot het totaal van 99" in response.content.decode()
    assert not Project.objects.exists()


def test_colleague_moves_the_phase_and_the_page_shows_the_history(client, colleague, project):
    client.force_login(colleague)

    client.post(
        f"/projecten/{project.pk}/fase/",
        {"version": project.version, "phase": "permit", "on": "2026-02-01"},
    )
    page = client.get(f"/projecten/{project.pk}/").content.decode()

    assert Project.objects.get().phase == "permit"
    assert "vergunning" in page and "01-02-2026" in page


def test_outsider_reads_the_project_without_forms(client, outsider, project):
    client.force_login(outsider)

    response = client.get(f"/projecten/{project.pk}/")

    assert response.status_code == 200
    assert response.context["phase_form"] is None
    assert client.get(f"/projecten/{project.pk}/bewerken/").status_code == 404


def test_overview_shows_the_map_and_the_pipeline(client, outsider, project):
    client.force_login(outsider)

    response = client.get("/projecten/")

    assert response.context["chart"] is not None
    westervoort = next(m for m in response.context["municipalities"] if m.slug == "westervoort")
    assert westervoort.pipeline_homes == 30


def test_forecast_page_shows_planned_expected_and_slips(client, owner, project):
    from projects import services

    services.project_update(
        user=owner, project=project, version=1, values={"expected_delivery_year": 2028}
    )
    client.force_login(owner)

    response = client.get("/projecten/prognose/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [s.project.name for s in response.context["slips"]] == ["Hof van Westervoort"]
    assert "plan 0,50" in html
