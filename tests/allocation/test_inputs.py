"""The canonical inputs of a run: hashing, change detection, completeness."""

import pytest

from allocation import selectors
from allocation.models import AllocationRun
from municipalities.models import Indicator, MunicipalityFigure


def test_equal_inputs_give_equal_hash(scenario):
    first = selectors.scenario_inputs(scenario=scenario)
    second = selectors.scenario_inputs(scenario=scenario)
    assert selectors.inputs_hash(first) == selectors.inputs_hash(second)


def test_changing_a_figure_changes_the_hash(scenario, westervoort):
    before = selectors.inputs_hash(selectors.scenario_inputs(scenario=scenario))
    MunicipalityFigure.objects.filter(
        municipality=westervoort, indicator=Indicator.INHABITANTS
    ).update(value=15200)
    assert selectors.inputs_hash(selectors.scenario_inputs(scenario=scenario)) != before


def test_run_reports_which_inputs_changed_since_it_ran(scenario, westervoort, project_leader):
    run = AllocationRun.objects.create(
        scenario=scenario,
        first_year=2025,
        last_year=2026,
        inputs=selectors.scenario_inputs(scenario=scenario),
    )
    assert selectors.run_changes_since(user=project_leader, run=run) == []
    MunicipalityFigure.objects.filter(
        municipality=westervoort, indicator=Indicator.INHABITANTS
    ).update(value=15200)
    rule = scenario.methodology.rules.get(target_group__code="statushouders")
    rule.key_weights = {"inhabitants": 1.0, "social_rent": 0.5}
    rule.save()
    changes = selectors.run_changes_since(user=project_leader, run=run)
    assert ("indicators.GM0293.inhabitants", 15114.0, 15200.0) in changes
    assert ("methodology.rules.statushouders.key.social_rent", None, 0.5) in changes


def test_clients_already_housed_count_as_carried_for_their_group(scenario):
    inputs = selectors.scenario_inputs(scenario=scenario)
    assert inputs["carried"]["GM0268"]["uitstroom-bw"] == 300
    assert inputs["carried"]["GM0293"]["uitstroom-bw"] == 0
    assert "statushouders" not in inputs["carried"]["GM0268"]


def test_a_missing_figure_the_key_needs_refuses_the_inputs(scenario, westervoort):
    MunicipalityFigure.objects.filter(
        municipality=westervoort, indicator=Indicator.TURNOVER
    ).delete()
    inputs = selectors.scenario_inputs(scenario=scenario)
    with pytest.raises(selectors.InputsIncomplete, match="GM0293: social_rent_turnover"):
        selectors.engine_inputs(inputs, 2025)


def test_a_year_without_regional_task_refuses_the_inputs(scenario):
    inputs = selectors.scenario_inputs(scenario=scenario)
    with pytest.raises(selectors.InputsIncomplete, match="2031"):
        selectors.engine_inputs(inputs, 2031)
