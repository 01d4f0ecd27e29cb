"""Monitoring fixtures: two target groups, an approved fair share, turnover figures."""

import pytest

from municipalities.models import Indicator
from tests import factories
from tests.runs import approved_run

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
        return approved_run(
            region=region,
            quotas={(m, groups[code], year): quota for (m, code, year), quota in quotas.items()},
            approved_by=project_leader,
            cap_share=cap_share,
        )

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
