"""Forecast against realisation, and the engine's room for new construction from the projects."""

from datetime import date

import pytest

from allocation import services as allocation_services
from allocation.inputs import engine_inputs, scenario_inputs
from allocation.labels import input_label
from allocation.selectors import cell_inputs, visible_differences
from projects import services
from projects.forecast import pipeline_by_year, slipped_projects
from projects.models import DEFAULT_PHASE_PROBABILITIES, PhaseProbability
from tests import factories
from tests.projects.conftest import social_new_construction

ROOM = "new_construction_capacity"


@pytest.fixture
def next_year_project(owner, westervoort, reference_data):
    """40 homes in plan, expected in 2026 (the scenario's second year)."""
    return social_new_construction(
        owner,
        westervoort,
        social_rent=30,
        mid_rent=10,
        year=2026,
        phase=("plan", date(2025, 1, 10)),
    )


def run_snapshot(user, scenario):
    run = allocation_services.allocation_run_start(user=user, scenario=scenario)
    return allocation_services.allocation_run_execute(run_id=run.pk).inputs


def test_moving_a_project_from_plan_to_permit_raises_next_years_room(
    project_leader, owner, scenario, next_year_project
):
    before = run_snapshot(project_leader, scenario)
    services.project_move_phase(
        user=owner, project=next_year_project, version=1, phase="permit", on=date(2025, 6, 1)
    )
    after = run_snapshot(project_leader, scenario)

    plan, permit = DEFAULT_PHASE_PROBABILITIES["plan"], DEFAULT_PHASE_PROBABILITIES["permit"]
    assert before["new_construction"]["2026"]["GM0293"] == pytest.approx(40 * plan)
    assert after["new_construction"]["2026"]["GM0293"] == pytest.approx(40 * permit)
    room_before = engine_inputs(before, 2026).indicators.at["GM0293", ROOM]
    room_after = engine_inputs(after, 2026).indicators.at["GM0293", ROOM]
    assert room_before == pytest.approx(40 * plan)
    assert room_after == pytest.approx(40 * permit)
    # Where no project is expected, the static figure stays (40 in the fixtures, 900 Nijmegen).
    assert engine_inputs(after, 2025).indicators.at["GM0293", ROOM] == 40
    assert engine_inputs(after, 2026).indicators.at["GM0268", ROOM] == 900
    assert after["sources"]["new_construction"]["2026"]["GM0293"][1] is True


def test_region_set_probabilities_replace_the_defaults(region, scenario, next_year_project):
    PhaseProbability.objects.create(region=region, phase="plan", probability="0.25")

    inputs = scenario_inputs(scenario=scenario)

    assert inputs["new_construction"]["2026"]["GM0293"] == pytest.approx(10.0)
    assert "region's chances" in inputs["sources"]["new_construction"]["2026"]["GM0293"][0]


def test_without_projects_the_snapshot_is_as_before(scenario):
    assert "new_construction" not in scenario_inputs(scenario=scenario)


def test_why_this_number_shows_the_projects_as_source(
    project_leader, scenario, next_year_project, westervoort
):
    from allocation.models import AllocationRun

    run_snapshot(project_leader, scenario)
    run = AllocationRun.objects.latest("pk")

    cell = cell_inputs(run, westervoort, "uitstroom-bw", 2026)

    room = next(item for item in cell.inputs if item.code == ROOM)
    assert room.value == pytest.approx(40 * DEFAULT_PHASE_PROBABILITIES["plan"])
    assert "expected deliveries of the projects" in room.source and room.is_estimate
    assert room.path == "new_construction.2026.GM0293"
    static = next(
        i for i in cell_inputs(run, westervoort, "uitstroom-bw", 2025).inputs if i.code == ROOM
    )
    assert static.path == "indicators.GM0293." + ROOM


def test_a_corporation_sees_no_new_construction_of_municipalities_outside_its_stock(
    region, nijmegen
):
    from municipalities.models import CorporationStock

    corporation = factories.CorporationFactory(slug="alleen-nijmegen")
    CorporationStock.objects.create(
        corporation=corporation, municipality=nijmegen, dwellings=10, source="t", is_estimate=True
    )
    staff = factories.member(role="corporation", corporation=corporation, username="cees")
    factories.FigureFactory(municipality=nijmegen, year=2024, indicator="inhabitants", value=1)
    differences = [
        ("new_construction.2026.GM0293", 16.0, 32.0),
        ("sources.new_construction.2026.GM0293", ["a", True], ["b", True]),
        ("new_construction.2026.GM0268", 1.0, 2.0),
        ("new_construction", None, {"2026": {"GM0293": 16.0}}),
    ]

    shown = [path for path, _b, _a in visible_differences(user=staff, differences=differences)]

    assert shown == ["new_construction.2026.GM0268"]


def test_new_construction_paths_have_a_dutch_label():
    from django.utils import translation

    with translation.override("nl"):
        label = input_label(
            "new_construction.2026.GM0293", groups={}, municipalities={"GM0293": "Westervoort"}
        )
    assert label == "Westervoort: ruimte nieuwbouw 2026 uit de projecten"


def test_planned_expected_delivered_and_slips(owner, region, westervoort, next_year_project):
    services.project_update(
        user=owner, project=next_year_project, version=1, values={"expected_delivery_year": 2027}
    )
    services.project_move_phase(
        user=owner, project=next_year_project, version=2, phase="delivered", on=date(2027, 3, 1)
    )
    figures = pipeline_by_year(user=owner, region=region, years=[2026, 2027])

    cell = figures[(westervoort, 2027)]
    assert (cell.planned, cell.expected, cell.delivered) == (40, 40.0, 40)
    assert (westervoort, 2026) not in figures
    [slip] = slipped_projects(user=owner, region=region)
    assert (slip.slips, slip.years_later) == (1, 1)


def test_the_dashboards_supply_of_a_year_is_the_room_the_run_used_that_year(
    project_leader, scenario, next_year_project
):
    from allocation.models import AllocationRun
    from allocation.selectors import run_supply

    run_snapshot(project_leader, scenario)
    run = AllocationRun.objects.latest("pk")

    supply = {
        year: run_supply(run, user=project_leader, year=year).set_index("cbs_code")
        for year in (2025, 2026)
    }

    plan = DEFAULT_PHASE_PROBABILITIES["plan"]
    assert supply[2026].at["GM0293", "new_construction"] == pytest.approx(40 * plan)
    assert supply[2025].at["GM0293", "new_construction"] == 40
    # Westervoort's turnover of 90 under the cap of a third: 30, plus the new construction.
    assert supply[2026].at["GM0293", "supply"] == pytest.approx(30 + 40 * plan)
    assert supply[2025].at["GM0293", "supply"] == pytest.approx(70)
