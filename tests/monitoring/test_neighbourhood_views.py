"""The neighbourhood page, the flags on the dashboard, the municipality page and the report."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Realisation
from municipalities.models import Neighbourhood, NeighbourhoodBoundaries, NeighbourhoodFigure

SOURCE = "test: invented"


@pytest.fixture
def districts(westervoort, groups):
    made = {}
    for code, name, placements, liveability in (
        ("WK029300", "Noord", 1, 7),
        ("WK029301", "Zuid", 8, 4),
    ):
        n = Neighbourhood.objects.create(
            code=code, kind="wijk", name=name, municipality=westervoort
        )
        for indicator, value in (
            ("dwellings", 1000),
            ("social_rent_dwellings", 250),
            ("liveability_class", liveability),
        ):
            NeighbourhoodFigure.objects.create(
                neighbourhood=n,
                year=2024,
                indicator=indicator,
                value=value,
                source=SOURCE,
                is_estimate=True,
            )
        Realisation.objects.create(
            municipality=westervoort,
            target_group=groups["statushouders"],
            year=2026,
            quarter=1,
            placements=placements,
            neighbourhood=n,
        )
        made[code] = n
    return made


def page(client, user, year=2026):
    client.force_login(user)
    return client.get(reverse("monitoring:neighbourhoods", args=["westervoort"]), {"jaar": year})


def test_neighbourhood_page_lists_the_flagged_district_first(client, outsider, districts):
    response = page(client, outsider)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["code"] for row in rows] == ["WK029301", "WK029300"]
    assert rows[0]["flagged"] and not rows[1]["flagged"]
    content = response.content.decode()
    assert "boven 1,50× het gemiddelde van de gemeente" in content
    # No boundaries imported: the table, and a sentence saying why there is no map.
    assert response.context["chart"] is None
    assert "nog geen wijkgrenzen geïmporteerd" in content


def square(code, x):
    ring = [[x, 51.9], [x + 0.01, 51.9], [x + 0.01, 51.91], [x, 51.91], [x, 51.9]]
    return {
        "type": "Feature",
        "id": code,
        "properties": {"code": code, "name": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_with_boundaries_the_page_draws_a_map_with_its_table(client, owner, region, districts):
    NeighbourhoodBoundaries.objects.create(
        region=region,
        filename="w.geojson",
        source="test",
        features=[square("WK029300", 5.9), square("WK029301", 5.91)],
    )
    response = page(client, owner)
    chart = response.context["chart"]
    assert chart is not None
    # One filled shape per district, plus the colour bar and the points.
    shapes = [t for t in chart.figure.data if t.fill == "toself"]
    assert len(shapes) == 2
    assert chart.rows[0][0] == "Zuid (WK029301)"
    assert chart.figure.layout.annotations[0].text == "Wijkgrenzen: test"
    content = response.content.decode()
    assert 'id="neighbourhood-map-data"' in content
    assert "<script>" not in content  # data only; charts.js draws it (strict CSP)
    assert json.loads(chart.figure.to_json())["data"]


def test_dashboard_and_municipality_page_show_the_flag(client, steering_member, districts):
    client.force_login(steering_member)
    dashboard = client.get(reverse("monitoring:dashboard"), {"jaar": 2026})
    assert [row["code"] for row in dashboard.context["flagged_neighbourhoods"]] == ["WK029301"]
    assert "Wijken waar plaatsingen zich opstapelen" in dashboard.content.decode()
    profile = client.get(reverse("municipalities:profile", args=["westervoort"]))
    assert profile.status_code == 200
    # The profile shows the window up to this calendar year.
    expected = ["WK029301"] if timezone.localdate().year - 2026 < 3 else []
    assert [row["code"] for row in profile.context["flagged_neighbourhoods"]] == expected
    assert reverse("monitoring:neighbourhoods", args=["westervoort"]) in profile.content.decode()


def test_the_neighbourhood_page_in_english(client, outsider, districts):
    client.force_login(outsider)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(
        reverse("monitoring:neighbourhoods", args=["westervoort"]), {"jaar": 2026}
    )
    content = response.content.decode()
    assert "Placements per district in Westervoort" in content
    assert "above 1.50× the municipality&#x27;s average" in content
