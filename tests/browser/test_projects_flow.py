"""In a real browser: a civil servant adds a project and moves it a phase; the older people's
dashboard and the "taart vergroten" view change accordingly."""

import pytest

from tests import factories
from tests.allocation.conftest import groups, methodology, reference_data, scenario  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("scenario"),
]


@pytest.fixture
def share_75_plus(westervoort, reference_data):  # noqa: F811
    factories.FigureFactory(municipality=westervoort, year=2024, indicator="share_75_plus", value=8)


def gap(page):
    page.goto("/projecten/ouderen/")
    return page.locator('[data-gap="GM0293-clustered"]').inner_text()


def raise_2026(page):
    page.goto("/projecten/taart-vergroten/")
    return page.locator('[data-raise="GM0293-2026"]').inner_text()


def test_civil_servant_adds_and_moves_a_project_and_the_views_follow(
    page, login, screenshot, owner, share_75_plus
):
    login(page, "alice")
    assert gap(page) == "35"
    assert raise_2026(page) == "0"

    page.goto("/projecten/gemeente/westervoort/nieuw/")
    page.get_by_label("Naam").fill("Hofje aan de Rijn")
    page.get_by_label("Soort").select_option("clustered_older")
    page.get_by_label("Woningen totaal").fill("100")
    page.get_by_label("Sociale huur").fill("100")
    page.get_by_label("Geclusterde woonvormen").fill("20")
    page.get_by_label("Planjaar").fill("2025")
    page.get_by_label("Verwacht jaar van oplevering").fill("2026")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Project aangemaakt").wait_for()
    project_url = page.url

    # An idea counts for a fifth: 4 clustered homes, 20 homes of room in place of the static 40.
    assert gap(page) == "31"
    assert raise_2026(page) == "-20"

    page.goto(project_url)
    page.get_by_label("Nieuwe fase").select_option("permit")
    page.get_by_label("Datum").fill("2025-06-01")
    page.get_by_role("button", name="Fase wijzigen").click()
    page.get_by_text("De fase van het project is gewijzigd").wait_for()
    assert "vergunning" in page.locator("#project-phase").inner_text()
    screenshot(page, "project-after-phase-move")

    # With a permit: 16 clustered homes, 80 homes of room.
    assert gap(page) == "19"
    assert raise_2026(page) == "40"
