"""Making the pie bigger: the pipeline's room for the priority groups against the region's task."""

from datetime import date

import pytest

from municipalities.models import RegionalTask
from projects.pie import pie_growth
from tests.projects.conftest import social_new_construction


@pytest.fixture
def big_project(owner, westervoort, reference_data):
    """200 homes with a permit, expected in 2026: 200 × 0.8 = 160 expected."""
    return social_new_construction(
        owner, westervoort, social_rent=200, year=2026, phase=("permit", date(2025, 3, 1))
    )


def test_the_pipeline_raises_the_room_and_closes_the_shortfall(owner, scenario, big_project):
    # The capped group's task in 2026 just above the static room: 30 + 40 (Westervoort) and
    # 500 + 900 (Nijmegen) under the default cap of a third.
    RegionalTask.objects.filter(year=2026, target_group__code="uitstroom-bw").update(amount=1500)

    years = {room.year: room for room in pie_growth(user=owner, scenario=scenario)}

    room = years[2026]
    assert (room.task, room.static, room.with_pipeline) == (1500, 1470, 1590)
    assert room.shortfall_static == 30 and room.shortfall_with_pipeline == 0
    assert room.closes
    westervoort = next(r for r in room.municipalities if r.municipality.cbs_code == "GM0293")
    assert westervoort.raised_by == pytest.approx(120)
    assert years[2025].with_pipeline == years[2025].static


def test_the_page_shows_what_the_pipeline_adds(client, owner, scenario, big_project):
    client.force_login(owner)

    html = client.get("/projecten/taart-vergroten/").content.decode()

    assert 'data-raise="GM0293-2026">120<' in html
    assert 'data-raise="GM0293-2025">0<' in html
