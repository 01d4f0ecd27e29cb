"""The region dashboard's progress towards 2030 counts an adopted agreement's numbers, as the
monitoring dashboard does."""

import pandas as pd

from dashboards import selectors as dashboards
from monitoring import selectors as monitoring
from monitoring.models import Realisation
from negotiation import services
from negotiation.models import AdoptedTarget
from tests.negotiation.test_services import play_to_the_end, propose


def _play_with_three_delegations(
    solving, project_leader, owner, nijmegen_servant, duiven_servant, places
):
    play_to_the_end(
        solving,
        project_leader,
        [
            (owner, places["westervoort"]),
            (nijmegen_servant, places["nijmegen"]),
            (duiven_servant, places["duiven"]),
        ],
    )


def test_progress_towards_2030_counts_the_adopted_targets(
    solving, project_leader, owner, nijmegen_servant, duiven_servant, places, groups
):
    from allocation.services import allocation_run_approve

    allocation_run_approve(user=project_leader, run=solving.run)
    exchange = propose(
        nijmegen_servant,
        solving,
        places["westervoort"],
        places["nijmegen"],
        groups["statushouders"],
        3,
    )
    services.exchange_decide(user=owner, exchange=exchange, accept=True)
    _play_with_three_delegations(
        solving, project_leader, owner, nijmegen_servant, duiven_servant, places
    )
    services.session_adopt(user=project_leader, session=solving)
    Realisation.objects.create(
        municipality=places["westervoort"],
        target_group=groups["statushouders"],
        year=2026,
        quarter=2,
        placements=4,
    )

    progress = dashboards.progress_towards_2030(user=project_leader, year=2026)

    expected = monitoring.dashboard(user=project_leader, year=2026).cumulative
    pd.testing.assert_frame_equal(progress, expected, check_dtype=False)
    assert AdoptedTarget.objects.filter(number=23).exists()  # Westervoort's statushouders
    assert progress.loc[progress["year"] == 2026, "cumulative_realised"].item() == 4


def test_adopting_an_agreement_makes_the_regions_cached_pages_stale_and_a_move_does_not(
    solving,
    project_leader,
    owner,
    nijmegen_servant,
    duiven_servant,
    places,
    groups,
    django_capture_on_commit_callbacks,
):
    from gmr_thuis import pagecache

    region_id = solving.region_id
    before = pagecache.generation(region_id)
    with django_capture_on_commit_callbacks(execute=True):
        _play_with_three_delegations(
            solving, project_leader, owner, nijmegen_servant, duiven_servant, places
        )
    assert pagecache.generation(region_id) == before  # the table's own moves
    with django_capture_on_commit_callbacks(execute=True):
        services.session_adopt(user=project_leader, session=solving)
    assert pagecache.generation(region_id) > before
