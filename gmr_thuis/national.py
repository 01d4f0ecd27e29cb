"""Load the synthetic country of `municipalities.national` with a scenario (and run) per region.

For benchmarks and load tests only: every region, user and number it creates says synthetic.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from allocation.models import AllocationRun, Scenario
from allocation.services import (
    DEFAULT_SCENARIO_SLUG,
    allocation_run_approve,
    allocation_run_execute,
    ensure_default_scenario,
)
from gmr_thuis.models import Membership, Role
from municipalities.models import Municipality, Region
from municipalities.national import write_country
from municipalities.services import reference_data_load


def national_dataset_load(
    *, out_dir: Path, regions: int, seed: int, template_dir: Path, with_runs: bool = False
) -> dict:
    """Write and load the synthetic regions; the GMR's own municipalities stay untouched."""
    gmr_codes = set(Municipality.objects.values_list("cbs_code", flat=True))
    synthetic_regions = regions - 1 if gmr_codes else regions
    paths = write_country(
        out_dir,
        regions=max(synthetic_regions, 1),
        seed=seed,
        template_dir=template_dir,
        exclude=gmr_codes,
    )
    loaded = []
    for path in paths:
        with transaction.atomic():
            reference_data_load(data_dir=path)
        loaded.append(Region.objects.get(slug=f"synthetisch-{path.name.split('-')[1]}"))
    base = ensure_default_scenario() or Scenario.objects.get(slug=DEFAULT_SCENARIO_SLUG)
    for region in loaded:
        scenario = _scenario(region, base)
        if with_runs:
            leader = _project_leader(region)
            run = AllocationRun.objects.create(
                scenario=scenario, first_year=scenario.first_year, last_year=scenario.last_year
            )
            run = allocation_run_execute(run_id=run.pk)
            allocation_run_approve(user=leader, run=run)
    return {
        "regions": len(loaded),
        "municipalities": Municipality.objects.filter(region__in=loaded).count(),
    }


def _scenario(region, base):
    scenario, _created = Scenario.objects.get_or_create(
        slug=f"{region.slug}-2025-2030",
        defaults={
            "name": f"{region.name} 2025–2030 (synthetisch)",
            "region": region,
            "methodology": base.methodology,
            "first_year": base.first_year,
            "last_year": base.last_year,
            "data_year": base.data_year,
        },
    )
    return scenario


def _project_leader(region):
    user, created = get_user_model().objects.get_or_create(username=f"pl-{region.slug}")
    if created:
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, role=Role.PROJECT_LEADER, region=region)
    return user
