"""Runs with results written directly, for tests that are about storage rather than the engine."""

from allocation.models import AllocationResult, AllocationRun, RunStatus


def finished_run(scenario, *, quotas, status=RunStatus.SUCCEEDED):
    """A run of `scenario` with one result per (municipality, group, year) -> quota."""
    run = AllocationRun.objects.create(
        scenario=scenario,
        status=status,
        progress=100,
        first_year=scenario.first_year,
        last_year=scenario.last_year,
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
