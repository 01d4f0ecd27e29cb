"""Negotiation fixtures: three municipalities, two groups, a computed run, a session."""

import pytest

from allocation.models import (
    AllocationResult,
    AllocationRun,
    Methodology,
    MethodologyGroupRule,
    RunStatus,
    Scenario,
)
from municipalities.models import Indicator
from negotiation import services
from negotiation.models import RoundKind
from tests import factories

SOURCE = "Testgegevens, verzonnen voor de onderhandelingstests"
# Invented test quotas per (municipality, group) for 2026: numbers for the tests only.
QUOTAS = {
    ("westervoort", "statushouders"): 20,
    ("westervoort", "uitstroom-bw"): 8,
    ("nijmegen", "statushouders"): 100,
    ("nijmegen", "uitstroom-bw"): 40,
    ("duiven", "statushouders"): 24,
    ("duiven", "uitstroom-bw"): 10,
}
# Invented profile figures (inhabitants, social rent, turnover) for the tests only.
FIGURES = {
    "westervoort": (15000, 2000, 150),
    "nijmegen": (180000, 30000, 2400),
    "duiven": (25000, 3000, 240),
}


@pytest.fixture
def duiven(region):
    return factories.MunicipalityFactory(region=region, name="Duiven", cbs_code="GM0226")


@pytest.fixture
def places(westervoort, nijmegen, duiven):
    return {"westervoort": westervoort, "nijmegen": nijmegen, "duiven": duiven}


@pytest.fixture
def groups(db):
    return {
        "statushouders": factories.TargetGroupFactory(code="statushouders", sort_order=1),
        "uitstroom-bw": factories.TargetGroupFactory(code="uitstroom-bw", sort_order=2),
    }


@pytest.fixture
def run(region, places, groups):
    methodology, _ = Methodology.objects.get_or_create(name="Onderhandeling", slug="onderhandeling")
    for code, group in groups.items():
        MethodologyGroupRule.objects.get_or_create(
            methodology=methodology,
            target_group=group,
            defaults={"key_weights": {"inhabitants": 1.0}, "capped": code == "statushouders"},
        )
    scenario = Scenario.objects.create(
        name="Onderhandeling 2026",
        slug="onderhandeling-2026",
        region=region,
        methodology=methodology,
        first_year=2026,
        last_year=2026,
        data_year=2025,
    )
    run = AllocationRun.objects.create(
        scenario=scenario, status=RunStatus.SUCCEEDED, progress=100, first_year=2026, last_year=2026
    )
    AllocationResult.objects.bulk_create(
        AllocationResult(
            run=run,
            municipality=places[m],
            target_group=groups[g],
            year=2026,
            key_share=0.3,
            ideal=float(q),
            after_correction=float(q),
            after_cap=float(q),
            quota=q,
            key_contribution=float(q),
            correction_contribution=0.0,
            cap_contribution=0.0,
            rounding_contribution=0.0,
            capped=g == "statushouders",
        )
        for (m, g), q in QUOTAS.items()
        if m in places
    )
    for slug, (inhabitants, social_rent, turnover) in FIGURES.items():
        if slug not in places:
            continue
        for indicator, value in (
            (Indicator.INHABITANTS, inhabitants),
            (Indicator.SOCIAL_RENT, social_rent),
            (Indicator.TURNOVER, turnover),
        ):
            factories.FigureFactory(
                municipality=places[slug],
                year=2025,
                indicator=indicator,
                value=value,
                source=SOURCE,
            )
    return run


@pytest.fixture
def duiven_servant(duiven):
    return factories.member(role="civil_servant", municipality=duiven, username="dora")


@pytest.fixture
def nijmegen_servant(nijmegen):
    return factories.member(role="civil_servant", municipality=nijmegen, username="nina")


@pytest.fixture
def session(project_leader, run, places):
    return services.session_create(
        user=project_leader,
        name="Ronde tafel 2026",
        run=run,
        level="ambtelijk",
        municipalities=places.values(),
    )


@pytest.fixture
def solving(session, project_leader):
    """The session with Inzicht done and Oplossen open."""
    services.round_open(user=project_leader, session=session, kind=RoundKind.INSIGHT)
    services.round_close(user=project_leader, session=session, kind=RoundKind.INSIGHT)
    services.round_open(user=project_leader, session=session, kind=RoundKind.SOLVE)
    session.refresh_from_db()
    return session


@pytest.fixture
def practice_with_block(project_leader, run, places, groups):
    """A practice session in Oplossen where Westervoort pledged a building block to Nijmegen."""
    from tests.negotiation.test_services import propose

    session = services.session_create(
        user=project_leader,
        name="Oefenen",
        run=run,
        level="ambtelijk",
        municipalities=places.values(),
        is_practice=True,
    )
    services.round_open(user=project_leader, session=session, kind=RoundKind.INSIGHT)
    services.round_close(user=project_leader, session=session, kind=RoundKind.INSIGHT)
    services.round_open(user=project_leader, session=session, kind=RoundKind.SOLVE)
    propose(
        project_leader,
        session,
        places["nijmegen"],
        places["westervoort"],
        groups["statushouders"],
        1,
        block={"title": "Oefenbouwsteen", "kind": "new_construction", "homes_added": 3},
    )
    return session
