"""A new period's run starts from the previous period's arrears and advances, once."""

import pytest

from allocation import services
from allocation.models import AllocationResult, RunStatus, Scenario
from monitoring import services as monitoring_services
from municipalities.models import RegionalTask
from tests.allocation.conftest import SOURCE
from tests.runs import finished_run


@pytest.fixture
def approved_first_period(scenario, project_leader, westervoort, nijmegen, groups):
    quotas = {
        (municipality, group, year): quota
        for year in (2025, 2026)
        for municipality, quota in ((westervoort, 9), (nijmegen, 91))
        for group in groups.values()
    }
    run = finished_run(scenario, quotas=quotas)
    services.allocation_run_approve(user=project_leader, run=run)
    return run


@pytest.fixture
def next_period(reference_data, methodology, groups):
    for year in (2027, 2028):
        for code, amount in (("statushouders", 100), ("uitstroom-bw", 40)):
            RegionalTask.objects.create(
                region=reference_data,
                target_group=groups[code],
                year=year,
                amount=amount,
                source=SOURCE,
                is_estimate=True,
            )
    return Scenario.objects.create(
        name="Test 2027–2028",
        slug="test-2027-2028",
        region=reference_data,
        methodology=methodology,
        first_year=2027,
        last_year=2028,
        data_year=2024,
    )


def test_next_period_run_adds_arrears_to_its_first_year_only(
    approved_first_period,
    next_period,
    project_leader,
    westervoort,
    groups,
    django_capture_on_commit_callbacks,
):
    # Westervoort placed 5 of its 18 status holders in 2025–2026: 13 in arrears.
    monitoring_services.realisation_save(
        user=project_leader,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=2025,
        quarter=1,
        placements=5,
        version=None,
    )

    with django_capture_on_commit_callbacks(execute=True):
        run = services.allocation_run_start(user=project_leader, scenario=next_period)
    run.refresh_from_db()

    assert run.status == RunStatus.SUCCEEDED, run.error
    cells = {
        result.year: result
        for result in AllocationResult.objects.filter(
            run=run, municipality=westervoort, target_group=groups["statushouders"]
        )
    }
    assert cells[2027].carry_over_contribution == 13
    assert cells[2028].carry_over_contribution == 0
    assert cells[2027].quota == cells[2028].quota + 13
    assert list(run.inputs["carry_over"]) == ["2027"]
    assert run.inputs["carry_over"]["2027"]["GM0293"]["statushouders"] == 13
