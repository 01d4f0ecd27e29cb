"""Two delegations accept two exchanges at the same moment on real PostgreSQL: the session row
lock serialises them; the second sees a moved board and is refused, the invariants hold."""

import threading

import pytest
from django.db import connection

from negotiation import services
from negotiation.models import BoardCell, Exchange, ExchangeStatus, RoundKind
from negotiation.rules import totals


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_keep_the_invariants(
    postgres_db, project_leader, owner, nijmegen_servant, duiven_servant, run, places, groups
):
    session = services.session_create(
        user=project_leader,
        name="Gelijktijdig",
        run=run,
        level="ambtelijk",
        municipalities=places.values(),
    )
    for kind in (RoundKind.INSIGHT,):
        services.round_open(user=project_leader, session=session, kind=kind)
        services.round_close(user=project_leader, session=session, kind=kind)
    services.round_open(user=project_leader, session=session, kind=RoundKind.SOLVE)
    statushouders = groups["statushouders"]
    # Both ask Westervoort (20 statushouders) to give 5: each alone is fine.
    first = services.exchange_propose(
        user=nijmegen_servant,
        session=session,
        taker_id=places["nijmegen"].pk,
        giver_id=places["westervoort"].pk,
        group_id=statushouders.pk,
        amount=5,
        year=2026,
    )
    second = services.exchange_propose(
        user=duiven_servant,
        session=session,
        taker_id=places["duiven"].pk,
        giver_id=places["westervoort"].pk,
        group_id=statushouders.pk,
        amount=5,
        year=2026,
    )
    start = totals(
        {(c.municipality_id, c.target_group_id, c.year): c.number for c in BoardCell.objects.all()}
    )
    seen = session.board_version
    barrier = threading.Barrier(2)
    outcomes = {}

    def accept(exchange):
        try:
            barrier.wait(timeout=10)
            services.exchange_decide(user=owner, exchange=exchange, accept=True, board_version=seen)
            outcomes[exchange.pk] = "accepted"
        except services.NegotiationError as exc:
            outcomes[exchange.pk] = str(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(e,)) for e in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert list(outcomes.values()).count("accepted") == 1
    refused = [text for text in outcomes.values() if text != "accepted"]
    assert len(refused) == 1 and "intussen veranderd" in refused[0]
    assert Exchange.objects.filter(status=ExchangeStatus.ACCEPTED).count() == 1
    cells = {
        (c.municipality_id, c.target_group_id, c.year): c.number for c in BoardCell.objects.all()
    }
    assert totals(cells) == start
    assert cells[(places["westervoort"].pk, statushouders.pk, 2026)] == 15
    session.refresh_from_db()
    assert session.board_version == seen + 1
