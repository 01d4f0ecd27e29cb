"""Monitoring fixtures: two target groups, an approved fair share, turnover figures."""

import pytest

from allocation.models import (
    AllocationResult,
    AllocationRun,
    Methodology,
    MethodologyGroupRule,
    RunStatus,
    Scenario,
)
from allocation.services import allocation_run_approve
from municipalities.models import Indicator
from tests import factories

SOURCE = "Testgegevens, verzonnen voor de monitoringtests"


@pytest.fixture
def groups(db):
    return {
        "statushouders": factories.TargetGroupFactory(code="statushouders", sort_order=1),
        "uitstroom-bw": factories.TargetGroupFactory(code="uitstroom-bw", sort_order=2),
    }


@pytest.fixture
def approve_fair_share(region, project_leader, groups):
    """Approve a run with the given quotas {(municipality, group code, year): quota} as the
    region's fair share, through the runs engineer's approval service."""

    def approve(quotas, cap_share="1/3"):
        years = sorted({year for (_m, _g, year) in quotas})
        methodology, _ = Methodology.objects.get_or_create(name="Monitoring", slug="monitoring")
        for group in groups.values():
            MethodologyGroupRule.objects.get_or_create(
                methodology=methodology,
                target_group=group,
                defaults={"key_weights": {"inhabitants": 1.0}},
            )
        scenario = Scenario.objects.create(
            name=f"Monitoring {years[0]}–{years[-1]} ({Scenario.objects.count()})",
            slug=f"monitoring-{years[0]}-{years[-1]}-{Scenario.objects.count()}",
            region=region,
            methodology=methodology,
            first_year=years[0],
            last_year=years[-1],
            data_year=years[0] - 1,
        )
        run = AllocationRun.objects.create(
            scenario=scenario,
            status=RunStatus.SUCCEEDED,
            progress=100,
            first_year=years[0],
            last_year=years[-1],
            # The part of the snapshot monitoring reads: the cap the run was computed with.
            inputs={"methodology": {"cap_share": cap_share, "rules": {}}},
        )
        AllocationResult.objects.bulk_create(
            AllocationResult(
                run=run,
                municipality=municipality,
                target_group=groups[code],
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
            for (municipality, code, year), quota in quotas.items()
        )
        allocation_run_approve(user=project_leader, run=run)
        return run

    return approve


@pytest.fixture
def turnover(westervoort, nijmegen):
    """Social-rent turnover 2025 (made-up, marked as estimates)."""
    for municipality, value in ((westervoort, 90), (nijmegen, 1500)):
        factories.FigureFactory(
            municipality=municipality,
            year=2025,
            indicator=Indicator.TURNOVER,
            value=value,
            source=SOURCE,
            is_estimate=True,
        )
