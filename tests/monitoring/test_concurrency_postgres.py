"""Two people save the same agreement at once on real PostgreSQL: one wins, one is refused."""

import threading

import pytest
from django.db import connection

from monitoring import services
from monitoring.models import LocalAgreement


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_the_same_version_refuse_one(
    postgres_db, owner, colleague, westervoort, groups
):
    group = groups["statushouders"]
    services.local_agreement_save(
        user=owner,
        municipality=westervoort,
        target_group=group,
        year=2026,
        agreed_number=10,
        version=None,
    )
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(user, agreed):
        try:
            barrier.wait(timeout=10)  # both have "loaded" version 1 and save together
            services.local_agreement_save(
                user=user,
                municipality=westervoort,
                target_group=group,
                year=2026,
                agreed_number=agreed,
                version=1,
            )
            outcomes[user.username] = "saved"
        except services.StaleEdit as exc:
            outcomes[user.username] = exc.current.agreed_number
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=save, args=args) for args in ((owner, 11), (colleague, 12))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    agreement = LocalAgreement.objects.get()
    assert agreement.version == 2
    assert sorted(outcomes.values(), key=str) == sorted([agreement.agreed_number, "saved"], key=str)
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assert agreement.updated_by.username == winner
