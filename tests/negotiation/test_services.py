"""The negotiation service: rounds, bottlenecks, exchanges and their invariants, consent,
adoption; every refusal changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from negotiation import services
from negotiation.models import (
    BoardCell,
    Exchange,
    ExchangeStatus,
    Move,
    RoundKind,
    SessionStatus,
)
from negotiation.rules import totals


def board(session):
    return {
        (c.municipality.name, c.target_group.code): c.number
        for c in BoardCell.objects.filter(session=session).select_related(
            "municipality", "target_group"
        )
    }


def region_totals(session):
    return totals(
        {
            (c.municipality_id, c.target_group_id, c.year): c.number
            for c in BoardCell.objects.filter(session=session)
        }
    )


def propose(user, session, taker, giver, group, amount, **kwargs):
    return services.exchange_propose(
        user=user,
        session=session,
        taker_id=taker.pk,
        giver_id=giver.pk,
        group_id=group.pk,
        amount=amount,
        year=2026,
        **kwargs,
    )


def test_board_starts_at_the_fair_share(session):
    assert board(session)[("Westervoort", "statushouders")] == 20
    assert board(session)[("Nijmegen", "uitstroom-bw")] == 40
    room = session.rooms.get(municipality__name="Westervoort")
    assert room.turnover_under_cap == 50  # floor(150 × 1/3), the exact default cap


def test_only_the_facilitator_opens_rounds(session, owner):
    with pytest.raises(PermissionDenied):
        services.round_open(user=owner, session=session, kind=RoundKind.INSIGHT)


def test_rounds_follow_in_order(session, project_leader):
    with pytest.raises(services.NegotiationError, match="vorige ronde"):
        services.round_open(user=project_leader, session=session, kind=RoundKind.SOLVE)


def test_bottleneck_only_for_own_municipality_and_in_insight(
    session, project_leader, owner, nijmegen, westervoort, groups
):
    group = groups["statushouders"]
    with pytest.raises(services.NegotiationError, match="niet open"):
        services.bottleneck_mark(
            user=owner,
            session=session,
            municipality_id=westervoort.pk,
            target_group_id=group.pk,
            reason="no_care",
        )
    services.round_open(user=project_leader, session=session, kind=RoundKind.INSIGHT)
    with pytest.raises(PermissionDenied):
        services.bottleneck_mark(
            user=owner,
            session=session,
            municipality_id=nijmegen.pk,
            target_group_id=group.pk,
            reason="no_care",
        )
    with pytest.raises(services.NegotiationError, match="anders"):
        services.bottleneck_mark(
            user=owner,
            session=session,
            municipality_id=westervoort.pk,
            target_group_id=group.pk,
            reason="other",
        )
    services.bottleneck_mark(
        user=owner,
        session=session,
        municipality_id=westervoort.pk,
        target_group_id=group.pk,
        reason="low_turnover",
    )
    assert session.bottlenecks.get().reason == "low_turnover"


def test_accepted_exchange_moves_pawns_and_conserves_totals(
    solving, owner, nijmegen_servant, westervoort, nijmegen, groups
):
    before = region_totals(solving)
    exchange = propose(
        nijmegen_servant,
        solving,
        westervoort,
        nijmegen,
        groups["statushouders"],
        4,
        return_group_id=groups["uitstroom-bw"].pk,
        return_amount=2,
    )
    services.exchange_decide(
        user=owner, exchange=exchange, accept=True, board_version=solving.board_version
    )
    after = board(solving)
    assert after[("Westervoort", "statushouders")] == 24
    assert after[("Nijmegen", "statushouders")] == 96
    assert after[("Westervoort", "uitstroom-bw")] == 6
    assert after[("Nijmegen", "uitstroom-bw")] == 42
    assert region_totals(solving) == before
    solving.refresh_from_db()
    assert solving.board_version == 2
    assert Move.objects.filter(session=solving, outcome="accepted").count() == 1


def test_only_the_counterparty_decides(
    solving, owner, nijmegen_servant, westervoort, nijmegen, groups
):
    exchange = propose(owner, solving, westervoort, nijmegen, groups["statushouders"], 2)
    with pytest.raises(PermissionDenied):
        services.exchange_decide(user=owner, exchange=exchange, accept=True)
    services.exchange_decide(user=nijmegen_servant, exchange=exchange, accept=False)
    assert Exchange.objects.get().status == ExchangeStatus.DECLINED
    assert board(solving)[("Westervoort", "statushouders")] == 20


@pytest.mark.parametrize(
    ("amount", "message"),
    [(-3, "geheel getal"), (2.5, "geheel getal"), ("drie", "geheel getal")],
)
def test_bad_numbers_are_refused(solving, owner, westervoort, nijmegen, groups, amount, message):
    with pytest.raises(services.NegotiationError, match=message):
        propose(owner, solving, westervoort, nijmegen, groups["statushouders"], amount)
    assert not Exchange.objects.exists()


def test_municipality_outside_the_session_is_refused(solving, owner, westervoort, region, groups):
    from tests import factories

    elsewhere = factories.MunicipalityFactory(region=region, name="Renkum", cbs_code="GM0274")
    with pytest.raises(services.NegotiationError, match="doet niet mee"):
        propose(owner, solving, westervoort, elsewhere, groups["statushouders"], 1)
    assert not Exchange.objects.exists()


def test_exchange_after_the_round_closed_is_refused(
    solving, project_leader, owner, nijmegen_servant, westervoort, nijmegen, groups
):
    exchange = propose(owner, solving, westervoort, nijmegen, groups["statushouders"], 2)
    services.round_close(user=project_leader, session=solving, kind=RoundKind.SOLVE)
    with pytest.raises(services.NegotiationError, match="niet open"):
        propose(owner, solving, westervoort, nijmegen, groups["statushouders"], 1)
    with pytest.raises(services.NegotiationError, match="niet open"):
        services.exchange_decide(user=nijmegen_servant, exchange=exchange, accept=True)
    assert board(solving)[("Westervoort", "statushouders")] == 20


def test_stale_board_version_is_refused(
    solving, owner, nijmegen_servant, westervoort, nijmegen, groups
):
    first = propose(owner, solving, westervoort, nijmegen, groups["statushouders"], 2)
    second = propose(owner, solving, westervoort, nijmegen, groups["uitstroom-bw"], 1)
    seen = solving.board_version
    services.exchange_decide(user=nijmegen_servant, exchange=first, accept=True, board_version=seen)
    with pytest.raises(services.NegotiationError, match="intussen veranderd"):
        services.exchange_decide(
            user=nijmegen_servant, exchange=second, accept=True, board_version=seen
        )
    assert Exchange.objects.get(pk=second.pk).status == ExchangeStatus.PROPOSED
    assert board(solving)[("Westervoort", "uitstroom-bw")] == 8


def test_leaving_the_fairness_band_needs_a_motivation(
    solving, owner, nijmegen_servant, westervoort, nijmegen, groups
):
    # Westervoort's 20 statushouders may go to 25 within ±25%; 30 is outside the band.
    with pytest.raises(services.NegotiationError, match="bandbreedte 15–25"):
        propose(nijmegen_servant, solving, westervoort, nijmegen, groups["statushouders"], 10)
    assert not Exchange.objects.exists()
    exchange = propose(
        nijmegen_servant,
        solving,
        westervoort,
        nijmegen,
        groups["statushouders"],
        10,
        motivation="Westervoort neemt extra statushouders op in de nieuwe flat.",
    )
    services.exchange_decide(user=owner, exchange=exchange, accept=True)
    assert board(solving)[("Westervoort", "statushouders")] == 30


def test_capped_groups_above_room_need_a_motivation(
    solving, owner, nijmegen_servant, westervoort, nijmegen, groups
):
    solving.fairness_band = 1
    solving.save()
    # Room of Westervoort: floor(150 × 1/3) = 50; 20 + 31 = 51 statushouders is above it.
    with pytest.raises(services.NegotiationError, match="boven de ruimte van 50"):
        propose(nijmegen_servant, solving, westervoort, nijmegen, groups["statushouders"], 31)


def test_giver_cannot_go_below_zero(
    solving, owner, nijmegen_servant, westervoort, nijmegen, groups
):
    with pytest.raises(services.NegotiationError, match="onder 0"):
        propose(
            owner,
            solving,
            nijmegen,
            westervoort,
            groups["uitstroom-bw"],
            9,
            motivation="test",
        )


def test_building_block_pledge_outlives_the_session(
    solving, owner, nijmegen_servant, westervoort, nijmegen, groups
):
    exchange = propose(
        nijmegen_servant,
        solving,
        nijmegen,
        westervoort,
        groups["statushouders"],
        3,
        block={"title": "Flexwoningen Dorpshaven", "kind": "new_construction", "homes_added": 12},
    )
    services.exchange_decide(user=owner, exchange=exchange, accept=True)
    block = exchange.building_block
    assert block.owner == westervoort and block.homes_added == 12
    solving.delete()
    block.refresh_from_db()
    assert block.session is None


def play_to_the_end(session, project_leader, delegates):
    services.round_close(user=project_leader, session=session, kind=RoundKind.SOLVE)
    services.round_open(user=project_leader, session=session, kind=RoundKind.AGREE)
    for user, municipality in delegates:
        services.consent_give(
            user=user, session=session, municipality_id=municipality.pk, agrees=True
        )


def test_adoption_needs_everyone_or_a_closed_session(
    solving, project_leader, owner, nijmegen_servant, duiven_servant, places
):
    services.round_close(user=project_leader, session=solving, kind=RoundKind.SOLVE)
    services.round_open(user=project_leader, session=solving, kind=RoundKind.AGREE)
    services.consent_give(
        user=owner, session=solving, municipality_id=places["westervoort"].pk, agrees=True
    )
    with pytest.raises(services.NegotiationError, match="bezwaar"):
        services.consent_give(
            user=duiven_servant, session=solving, municipality_id=places["duiven"].pk, agrees=False
        )
    services.consent_give(
        user=duiven_servant,
        session=solving,
        municipality_id=places["duiven"].pk,
        agrees=False,
        reason="Geen zorgaanbieder",
    )
    with pytest.raises(services.NegotiationError, match="Nog niet alle"):
        services.session_adopt(user=project_leader, session=solving)
    with pytest.raises(PermissionDenied):
        services.session_adopt(user=owner, session=solving)
    services.session_close(user=project_leader, session=solving)
    agreement = services.session_adopt(user=project_leader, session=solving)
    solving.refresh_from_db()
    assert solving.status == SessionStatus.ADOPTED
    assert agreement.targets.count() == 6


def test_practice_session_lets_one_person_play_several(project_leader, run, places, owner, groups):
    session = services.session_create(
        user=project_leader,
        name="Oefenen",
        run=run,
        level="ambtelijk",
        municipalities=places.values(),
        is_practice=True,
        players={places["nijmegen"].pk: owner, places["westervoort"].pk: owner},
    )
    assert services.acts_for(owner, session, places["nijmegen"].pk)
    assert services.acts_for(owner, session, places["westervoort"].pk)
    assert not services.acts_for(owner, session, places["duiven"].pk)
    services.round_open(user=project_leader, session=session, kind=RoundKind.INSIGHT)
    services.round_close(user=project_leader, session=session, kind=RoundKind.INSIGHT)
    services.round_open(user=project_leader, session=session, kind=RoundKind.SOLVE)
    exchange = propose(
        owner, session, places["westervoort"], places["nijmegen"], groups["statushouders"], 1
    )
    services.exchange_decide(user=owner, exchange=exchange, accept=True)
    play_to_the_end(session, project_leader, [])
    services.session_close(user=project_leader, session=session)
    with pytest.raises(services.NegotiationError, match="oefensessie"):
        services.session_adopt(user=project_leader, session=session)


def test_adopted_numbers_are_the_targets_in_monitoring(
    solving, project_leader, owner, nijmegen_servant, duiven_servant, places, groups
):
    from allocation.services import allocation_run_approve
    from monitoring import selectors as monitoring

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
    before = monitoring.agreement_rows(user=owner, municipality=places["westervoort"], year=2026)
    assert before[0]["fair_share"] == 20  # the run's fair share until adoption
    play_to_the_end(
        solving,
        project_leader,
        [
            (owner, places["westervoort"]),
            (nijmegen_servant, places["nijmegen"]),
            (duiven_servant, places["duiven"]),
        ],
    )
    services.session_adopt(user=project_leader, session=solving)
    rows = monitoring.agreement_rows(user=owner, municipality=places["westervoort"], year=2026)
    assert [(r["group"].code, r["fair_share"]) for r in rows] == [
        ("statushouders", 23),
        ("uitstroom-bw", 8),
    ]
    dashboard = monitoring.dashboard(user=owner, year=2026)
    progress = dashboard.progress.set_index(["municipality", "group_code"])
    assert progress.loc[("Nijmegen", "statushouders"), "fair_share"] == 97
