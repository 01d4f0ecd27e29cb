"""Runs with results written directly, for tests about storage, approval and what others read
of a run rather than about the engine: the one place tests fake a finished or approved run."""

from allocation.models import (
    AllocationResult,
    AllocationRun,
    Methodology,
    MethodologyGroupRule,
    RunStatus,
    Scenario,
)
from allocation.services import allocation_run_approve


def finished_run(scenario, *, quotas, status=RunStatus.SUCCEEDED, inputs=None):
    """A run of `scenario` with one result per (municipality, group, year) -> quota."""
    run = AllocationRun.objects.create(
        scenario=scenario,
        status=status,
        progress=100,
        first_year=scenario.first_year,
        last_year=scenario.last_year,
        inputs=inputs or {},
    )
    AllocationResult.objects.bulk_create(
        AllocationResult(
            run=run,
            municipality=municipality,
            target_group=group,
            year=year,
            key_share=0.5,
            ideal=float(quota),
            after_correction=float(quota),
            after_cap=float(quota),
            quota=quota,
            key_contribution=float(quota),
            correction_contribution=0.0,
            cap_contribution=0.0,
            rounding_contribution=0.0,
        )
        for (municipality, group, year), quota in quotas.items()
    )
    return run


def approved_run(*, region, quotas, approved_by, cap_share="1/3"):
    """A finished run with `quotas` {(municipality, group, year): quota}, approved through the
    approval service as the region's fair share for the years it covers. Its snapshot holds
    the part others read of it: the cap it was computed with."""
    years = sorted({year for _municipality, _group, year in quotas})
    methodology, _created = Methodology.objects.get_or_create(
        slug="test-approved", defaults={"name": "Test (goedgekeurd)"}
    )
    for group in {group for _municipality, group, _year in quotas}:
        MethodologyGroupRule.objects.get_or_create(
            methodology=methodology,
            target_group=group,
            defaults={"key_weights": {"inhabitants": 1.0}},
        )
    number = Scenario.objects.count() + 1
    scenario = Scenario.objects.create(
        name=f"Goedgekeurd {years[0]}–{years[-1]} ({number})",
        slug=f"goedgekeurd-{years[0]}-{years[-1]}-{number}",
        region=region,
        methodology=methodology,
        first_year=years[0],
        last_year=years[-1],
        data_year=years[0] - 1,
    )
    run = finished_run(
        scenario, quotas=quotas, inputs={"methodology": {"cap_share": cap_share, "rules": {}}}
    )
    allocation_run_approve(user=approved_by, run=run)
    return run
