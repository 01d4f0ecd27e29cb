"""The engine's room for new construction comes from the project pipeline."""

from datetime import date

from allocation import selectors as allocation_selectors
from allocation import services as allocation_services
from allocation.models import Scenario
from allocation.services import DEFAULT_SCENARIO_SLUG
from projects import services
from projects.pipeline import DEFAULT_PHASE_PROBABILITIES
from projects.selectors import expected_new_construction
from tests.projects.conftest import project_values


def _run_inputs(leader):
    scenario = Scenario.objects.get(slug=DEFAULT_SCENARIO_SLUG)
    run = allocation_services.allocation_run_start(user=leader, scenario=scenario)
    run = allocation_services.allocation_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    return scenario, run.inputs


def test_without_projects_the_static_figure_stays(gmr, leader):
    scenario, inputs = _run_inputs(leader)

    assert "new_construction" not in inputs
    frames = allocation_selectors.engine_inputs(inputs, scenario.first_year)
    assert frames.indicators.loc["GM0293", "new_construction_capacity"] == 41


def test_moving_a_project_from_plan_to_permit_raises_next_years_room(gmr, civil_servant, leader):
    scenario = Scenario.objects.get(slug=DEFAULT_SCENARIO_SLUG)
    next_year = scenario.first_year + 1
    project = services.project_create(
        user=civil_servant,
        municipality=gmr,
        values=project_values(plan_year=scenario.first_year, expected_year=next_year),
    )
    _scenario, before = _run_inputs(leader)
    plan_room = before["new_construction"][str(next_year)]["GM0293"]

    services.project_set_phase(
        user=civil_servant, project=project, phase="permit", on=date(2025, 6, 1), version=1
    )
    _scenario, after = _run_inputs(leader)
    permit_room = after["new_construction"][str(next_year)]["GM0293"]

    assert plan_room["value"] == 20 * DEFAULT_PHASE_PROBABILITIES["plan"][0]
    assert permit_room["value"] == 20 * DEFAULT_PHASE_PROBABILITIES["permit"][0]
    assert permit_room["value"] > plan_room["value"]
    assert "projectenpijplijn" in permit_room["source"]
    assert permit_room["is_estimate"]
    frames = allocation_selectors.engine_inputs(after, next_year)
    assert frames.indicators.loc["GM0293", "new_construction_capacity"] == permit_room["value"]
    # The first year has no expected deliveries from this project: its room is zero, not static.
    assert after["new_construction"][str(scenario.first_year)]["GM0293"]["value"] == 0
    # Other municipalities keep their static figure.
    assert "GM0268" not in after["new_construction"][str(next_year)]


def test_delivered_projects_count_fully_in_their_delivery_year(gmr, civil_servant):
    project = services.project_create(
        user=civil_servant, municipality=gmr, values=project_values(expected_year=2027)
    )
    services.project_set_phase(
        user=civil_servant, project=project, phase="delivered", on=date(2026, 3, 1), version=1
    )

    room = expected_new_construction(gmr.region, [2026, 2027])

    assert room.set_index("year").loc[2026, "value"] == 20
    assert room.set_index("year").loc[2027, "value"] == 0
    assert not room["is_estimate"].any()
