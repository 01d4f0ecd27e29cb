"""A corporation withdraws its home while the table places a case in it, on real PostgreSQL:
the offer's row lock lets exactly one of them pass."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mediation import services
from mediation.models import Decision, Offer, OfferStatus, Outcome


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_withdraw_and_a_placing_decision_at_once_let_one_pass(
    postgres_db, case, offer, meeting, project_leader, vivare_staff, attempt
):
    barrier = threading.Barrier(2)
    outcomes = {}

    def run(name, write):
        try:
            barrier.wait(timeout=10)
            write()
            outcomes[name] = "done"
        except ValidationError:
            outcomes[name] = "refused"
        finally:
            connection.close()  # each thread has its own connection

    writes = {
        "withdraw": lambda: services.offer_withdraw(user=vivare_staff, offer=offer),
        "decide": lambda: services.decision_record(
            user=project_leader, meeting=meeting, case=case, outcome=Outcome.PLACED, offer=offer
        ),
    }
    threads = [threading.Thread(target=run, args=item) for item in writes.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    status = Offer.objects.get(pk=offer.pk).status
    placed = Decision.objects.filter(offer=offer).exists()
    assert sorted(outcomes.values()) == ["done", "refused"]
    if outcomes["withdraw"] == "done":
        assert status == OfferStatus.WITHDRAWN and not placed
    else:
        assert status == OfferStatus.PLACED and placed
