"""Property, through the service and the database: any sequence of proposed and accepted
exchanges (refused ones included) leaves the regional total per group and year as it was and
every number on the board a whole number >= 0; a refusal changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation import services
from negotiation.models import BoardCell, Exchange
from negotiation.rules import totals

PLACES = ["westervoort", "nijmegen", "duiven"]
GROUPS = ["statushouders", "uitstroom-bw"]

moves = st.lists(
    st.fixed_dictionaries(
        {
            "taker": st.sampled_from(PLACES),
            "giver": st.sampled_from(PLACES),
            "group": st.sampled_from(GROUPS),
            "amount": st.one_of(st.integers(-3, 60), st.sampled_from(["2,5", "1.5", "", "x", "7"])),
            "return_group": st.sampled_from(GROUPS),
            "return_amount": st.integers(0, 20),
            "motivation": st.sampled_from(["", "Afgesproken aan tafel"]),
        }
    ),
    min_size=1,
    max_size=8,
)


def cells(session):
    return {
        (c.municipality_id, c.target_group_id, c.year): c.number
        for c in BoardCell.objects.filter(session=session)
    }


@pytest.fixture
def servants(owner, nijmegen_servant, duiven_servant):
    return {"westervoort": owner, "nijmegen": nijmegen_servant, "duiven": duiven_servant}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=moves)
def test_service_keeps_totals_and_whole_numbers(solving, servants, places, groups, sequence):
    start = totals(cells(solving))
    with transaction.atomic():
        for move in sequence:
            before = cells(solving)
            exchanges = Exchange.objects.count()
            solving.refresh_from_db()
            try:
                exchange = services.exchange_propose(
                    user=servants[move["taker"]],
                    session=solving,
                    taker_id=places[move["taker"]].pk,
                    giver_id=places[move["giver"]].pk,
                    group_id=groups[move["group"]].pk,
                    amount=move["amount"],
                    year=2026,
                    return_group_id=groups[move["return_group"]].pk,
                    return_amount=move["return_amount"],
                    motivation=move["motivation"],
                    board_version=solving.board_version,
                )
                services.exchange_decide(
                    user=servants[move["giver"]],
                    exchange=exchange,
                    accept=True,
                    motivation=move["motivation"],
                )
            except (services.NegotiationError, PermissionDenied):
                if Exchange.objects.count() == exchanges:
                    assert cells(solving) == before  # refused: nothing changed
            board = cells(solving)
            assert totals(board) == start
            assert all(isinstance(n, int) and n >= 0 for n in board.values())
        transaction.set_rollback(True)
