"""A region with an approved run whose results add up, built for any number of municipalities."""

import pytest
from django.utils.text import slugify

from allocation.inputs import inputs_hash, scenario_inputs
from allocation.models import (
    AllocationResult,
    AllocationRun,
    Methodology,
    MethodologyGroupRule,
    RunStatus,
    Scenario,
    SensitivityBand,
    SensitivitySweep,
)
from allocation.services import allocation_run_approve
from municipalities.models import Indicator, MunicipalityFigure, RegionalTask
from tests import factories

YEAR = 2026
DATA_YEAR = 2024
GMR_CODES = [
    "GM0202", "GM1945", "GM0209", "GM0221", "GM0225", "GM0226", "GM0252", "GM1705", "GM1955",
    "GM0268", "GM1734", "GM0274", "GM0275", "GM0277", "GM0293", "GM0296", "GM0299",
]  # fmt: skip
SOURCE = "testdata: estimate for the dashboard tests"
# (code, name, local, correct_for_carried, capped, regional task)
GROUPS = [
    ("uitstroom-bw", "Uitstroom beschermd wonen", False, True, True, 120),
    ("statushouders", "Statushouders", False, False, True, 300),
    ("woonwagenbewoners", "Woonwagenbewoners", True, False, False, 10),
]


def build_region(region, *, municipalities, corporation=None, with_sweep=True, approve=True):
    """`municipalities` extra municipalities next to those already in the region, each with
    figures, and a run of YEAR with a result per municipality × group whose steps sum to quota."""
    # The GMR's real codes first (so maps find their boundaries), invented ones past them.
    taken = set(region.municipalities.values_list("cbs_code", flat=True))
    real_codes = [code for code in GMR_CODES if code not in taken]
    for index in range(municipalities):
        code = {"cbs_code": real_codes[index]} if index < len(real_codes) else {}
        factories.MunicipalityFactory(
            region=region,
            name=f"Testgemeente {index:03d}",
            latitude=51.8 + index * 0.01,
            longitude=5.8 + index * 0.01,
            **code,
        )
    places = list(region.municipalities.order_by("name"))
    for number, place in enumerate(places, start=1):
        for indicator, value in (
            (Indicator.INHABITANTS, 10_000 * number),
            (Indicator.SOCIAL_RENT, 1_500 * number),
            (Indicator.TURNOVER, 90 * number),
            (Indicator.NEW_CONSTRUCTION, 5 * number),
        ):
            MunicipalityFigure.objects.create(
                municipality=place,
                year=DATA_YEAR,
                indicator=indicator,
                value=value,
                source=SOURCE,
                is_estimate=True,
            )
        if corporation is not None and number == 1:
            corporation.stock.create(
                municipality=place, dwellings=500, source=SOURCE, is_estimate=True
            )
    methodology = Methodology.objects.create(name="Standaard", slug="standaard")
    groups = []
    for order, (code, name, local, corrected, capped, amount) in enumerate(GROUPS):
        group = factories.TargetGroupFactory(
            code=code, name_nl=name, name_en=f"{name} (en)", sort_order=order
        )
        groups.append((group, local, amount))
        key = {"inhabitants": 1.0} if not local else {"caravan_dwellers": 1.0}
        MethodologyGroupRule.objects.create(
            methodology=methodology,
            target_group=group,
            key_weights=key,
            local=local,
            correct_for_carried=corrected,
            capped=capped,
        )
        RegionalTask.objects.create(
            region=region,
            target_group=group,
            year=YEAR,
            amount=amount,
            source=SOURCE,
            is_estimate=True,
        )
    scenario = Scenario.objects.create(
        name="Basis",
        slug="basis",
        region=region,
        methodology=methodology,
        first_year=YEAR,
        last_year=YEAR + 1,
        data_year=DATA_YEAR,
    )
    # The run's snapshot is what a run of this scenario takes (without carry-over).
    inputs = scenario_inputs(scenario=scenario, carry_over={})
    run = AllocationRun.objects.create(
        scenario=scenario,
        status=RunStatus.SUCCEEDED,
        first_year=YEAR,
        last_year=YEAR + 1,
        inputs=inputs,
        input_hash=inputs_hash(inputs),
    )
    weight_total = sum(range(1, len(places) + 1))
    results = []
    for number, place in enumerate(places, start=1):
        share = number / weight_total
        for group, local, amount in groups:
            ideal = amount * share
            quota = round(ideal)
            results.append(
                AllocationResult(
                    run=run,
                    municipality=place,
                    target_group=group,
                    year=YEAR,
                    key_share=share,
                    ideal=ideal,
                    after_correction=ideal,
                    after_cap=ideal,
                    quota=quota,
                    shortfall=0.0,
                    key_contribution=ideal,
                    correction_contribution=0.0,
                    cap_contribution=0.0,
                    rounding_contribution=quota - ideal,
                    carry_over_contribution=0.0,
                    capacity=None,
                    capped=False,
                    local=local,
                )
            )
    AllocationResult.objects.bulk_create(results)
    if with_sweep:
        sweep = SensitivitySweep.objects.create(
            scenario=scenario,
            status=RunStatus.SUCCEEDED,
            weight_factors=[0.8, 1.0, 1.2],
            cap_shares=[0.25, 0.333],
        )
        SensitivityBand.objects.bulk_create(
            SensitivityBand(
                sweep=sweep,
                municipality=result.municipality,
                target_group=result.target_group,
                year=YEAR,
                minimum=result.quota * 0.7,
                p10=result.quota * 0.8,
                median=result.quota,
                p90=result.quota * 1.2,
                maximum=result.quota * 1.4,
            )
            for result in results
        )
    if approve:
        allocation_run_approve(
            user=factories.member(role="project_leader", region=region, username="goedkeurder"),
            run=run,
        )
    return run


@pytest.fixture
def corporation(db):
    return factories.CorporationFactory(
        name="Woonstichting Test", slug=slugify("Woonstichting Test")
    )


@pytest.fixture
def run(region, westervoort, nijmegen, corporation):
    return build_region(region, municipalities=2, corporation=corporation)


@pytest.fixture
def corporation_member(corporation, region):
    return factories.member(
        role="corporation", corporation=corporation, region=region, username="corp"
    )
