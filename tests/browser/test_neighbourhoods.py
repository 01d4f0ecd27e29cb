"""In a real browser: the neighbourhood map draws from imported boundaries, with its table, and
passes axe."""

import pytest

from monitoring.models import Realisation
from municipalities.models import Neighbourhood, NeighbourhoodBoundaries, NeighbourhoodFigure
from tests import factories
from tests.browser.test_dashboards import blocking_violations, drawn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def square(code, x):
    ring = [[x, 51.95], [x + 0.01, 51.95], [x + 0.01, 51.96], [x, 51.96], [x, 51.95]]
    return {
        "type": "Feature",
        "id": code,
        "properties": {"code": code, "name": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


@pytest.fixture
def districts(region, westervoort, steering_member):
    group = factories.TargetGroupFactory(code="statushouders")
    for code, name, placements in (("WK029300", "Noord", 1), ("WK029301", "Zuid", 8)):
        n = Neighbourhood.objects.create(
            code=code, kind="wijk", name=name, municipality=westervoort
        )
        NeighbourhoodFigure.objects.create(
            neighbourhood=n,
            year=2024,
            indicator="dwellings",
            value=1000,
            source="test",
            is_estimate=True,
        )
        Realisation.objects.create(
            municipality=westervoort,
            target_group=group,
            year=2026,
            quarter=1,
            placements=placements,
            neighbourhood=n,
        )
    NeighbourhoodBoundaries.objects.create(
        region=region,
        filename="w.geojson",
        source="test",
        features=[square("WK029300", 5.96), square("WK029301", 5.97)],
    )


def test_the_neighbourhood_map_draws_with_a_table_and_passes_axe(
    page, login, screenshot, districts
):
    login(page, "stuurgroep")
    page.goto("/monitoring/gemeente/westervoort/wijken/?jaar=2026")
    page.get_by_role("heading", name="Plaatsingen per wijk in Westervoort").wait_for()
    assert drawn(page, "neighbourhood-map") > 0
    rows = page.locator("#neighbourhoods tbody tr")
    assert rows.count() == 2
    assert rows.first.locator("th").inner_text().startswith("Zuid")
    screenshot(page, "neighbourhood-map")
    assert blocking_violations(page) == []
