"""The default methodology and scenario the data loader creates."""

from allocation.models import Methodology, Scenario
from allocation.services import DEFAULT_SCENARIO_SLUG, ensure_default_scenario


def test_nothing_is_created_before_the_reference_data_is_loaded(db):
    assert ensure_default_scenario() is None
    assert not Scenario.objects.exists()


def test_default_scenario_gets_rules_for_the_loaded_groups_and_is_idempotent(reference_data):
    scenario = ensure_default_scenario()
    assert scenario.slug == DEFAULT_SCENARIO_SLUG
    assert (scenario.first_year, scenario.last_year, scenario.data_year) == (2025, 2030, 2024)
    rules = {r.target_group.code: r for r in scenario.methodology.rules.all()}
    assert set(rules) == {"statushouders", "uitstroom-bw"}
    assert rules["uitstroom-bw"].correct_for_carried and rules["uitstroom-bw"].capped
    assert ensure_default_scenario() == scenario
    assert Methodology.objects.count() == 1 and Scenario.objects.count() == 1
