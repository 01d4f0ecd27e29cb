"""The negotiation table under load: 40 connected participants (issue 13).

Run alone: `python -m benchmarks.negotiation` (a throw-away test database; PostgreSQL when
DATABASE_URL is set, Redis as channel layer when REDIS_URL is set, else in memory).

* Update latency: 40 participants hold a websocket to the session's BoardConsumer; one accepted
  exchange (the real service, its commit, `on_commit` broadcast) until the update has arrived
  at each participant; p50/p95 over all arrivals. Baseline in the same run: a bare
  `group_send` of the channel layer to the same 40 sockets.
* Throughput: 40 participants (threads, each its own connection) accept exchanges at once,
  against the same number accepted one after another by one participant. The session row lock
  serialises moves, so the concurrent figure shows what the lock costs, not a speed-up.
"""

import os
import statistics
import threading
import time

PARTICIPANTS = 40
LATENCY_ROUNDS = 15
EXCHANGES_EACH = 5
GOAL_P95 = 1.0  # seconds
SOURCE = "benchmark: synthetic estimate"


def build():
    from django.contrib.auth import get_user_model

    from allocation.models import (
        AllocationResult,
        AllocationRun,
        Methodology,
        MethodologyGroupRule,
        RunStatus,
        Scenario,
    )
    from gmr_thuis.models import Membership
    from municipalities.models import Municipality, Region, TargetGroup
    from negotiation import services
    from negotiation.models import RoundKind

    region = Region.objects.create(name="Bench", slug="bench")
    places = Municipality.objects.bulk_create(
        Municipality(region=region, cbs_code=f"GM{9100 + i:04d}", name=f"Bench {i}", slug=f"b{i}")
        for i in range(PARTICIPANTS)
    )
    group = TargetGroup.objects.create(
        code="bench", name_nl="Bench", name_en="Bench", definition_nl="-", definition_en="-"
    )
    methodology = Methodology.objects.create(name="Bench", slug="bench")
    MethodologyGroupRule.objects.create(
        methodology=methodology, target_group=group, key_weights={"inhabitants": 1}
    )
    scenario = Scenario.objects.create(
        name="Bench",
        slug="bench",
        region=region,
        methodology=methodology,
        first_year=2026,
        last_year=2026,
        data_year=2025,
    )
    run = AllocationRun.objects.create(
        scenario=scenario, status=RunStatus.SUCCEEDED, first_year=2026, last_year=2026
    )
    AllocationResult.objects.bulk_create(
        AllocationResult(
            run=run,
            municipality=m,
            target_group=group,
            year=2026,
            key_share=1 / PARTICIPANTS,
            ideal=1000.0,
            after_correction=1000.0,
            after_cap=1000.0,
            quota=1000,
            key_contribution=1000.0,
            correction_contribution=0.0,
            cap_contribution=0.0,
            rounding_contribution=0.0,
        )
        for m in places
    )
    users = get_user_model()
    leader = users.objects.create_user("bench-leader")
    Membership.objects.create(user=leader, role="project_leader", region=region)
    servants = []
    for m in places:
        user = users.objects.create_user(f"bench-{m.cbs_code}")
        Membership.objects.create(user=user, role="civil_servant", region=region, municipality=m)
        servants.append(user)
    session = services.session_create(
        user=leader,
        name="Bench",
        run=run,
        level="ambtelijk",
        municipalities=places,
        fairness_band=1,
    )
    for kind in (RoundKind.INSIGHT,):
        services.round_open(user=leader, session=session, kind=kind)
        services.round_close(user=leader, session=session, kind=kind)
    services.round_open(user=leader, session=session, kind=RoundKind.SOLVE)
    return session, places, group, leader, servants


def _propose(session, leader, places, group, i):
    from negotiation import services

    return services.exchange_propose(
        user=leader,
        session=session,
        taker_id=places[i % PARTICIPANTS].pk,
        giver_id=places[(i + 1) % PARTICIPANTS].pk,
        group_id=group.pk,
        amount=1,
        year=2026,
    )


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency(session, places, group, leader, servants):
    from asgiref.sync import async_to_sync, sync_to_async
    from channels.layers import get_channel_layer
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from negotiation import services
    from negotiation.live import group_name
    from negotiation.routing import websocket_urlpatterns

    exchanges = [_propose(session, leader, places, group, i) for i in range(LATENCY_ROUNDS)]

    async def run():
        app = URLRouter(websocket_urlpatterns)
        sockets = []
        for user in servants:
            comm = WebsocketCommunicator(app, f"/ws/onderhandeling/{session.pk}/")
            comm.scope["user"] = user
            connected, _ = await comm.connect(timeout=10)
            assert connected
            await comm.receive_json_from(timeout=10)  # the state on connect
            sockets.append(comm)
        moves, bare = [], []
        layer = get_channel_layer()
        for exchange in exchanges:
            start = time.perf_counter()
            await sync_to_async(services.exchange_decide)(
                user=_counterparty_user(exchange, servants, places), exchange=exchange, accept=True
            )
            for comm in sockets:
                await comm.receive_json_from(timeout=10)
                moves.append(time.perf_counter() - start)
            start = time.perf_counter()
            await layer.group_send(group_name(session.pk), {"type": "board.move", "move": 0})
            for comm in sockets:
                await comm.receive_json_from(timeout=10)
                bare.append(time.perf_counter() - start)
        for comm in sockets:
            await comm.disconnect()
        return moves, bare

    return async_to_sync(run)()


def _counterparty_user(exchange, servants, places):
    ids = [m.pk for m in places]
    return servants[ids.index(exchange.giver_id)]


def throughput(session, places, group, leader, servants):
    from django.db import connection

    from negotiation import services

    total = PARTICIPANTS * EXCHANGES_EACH
    exchanges = [_propose(session, leader, places, group, i) for i in range(2 * total)]
    sequential, concurrent = exchanges[:total], exchanges[total:]
    start = time.perf_counter()
    for exchange in sequential:
        services.exchange_decide(
            user=_counterparty_user(exchange, servants, places), exchange=exchange, accept=True
        )
    one = time.perf_counter() - start
    if connection.vendor != "postgresql":
        return one, None, total
    by_user = {}
    for exchange in concurrent:
        by_user.setdefault(exchange.giver_id, []).append(exchange)
    barrier = threading.Barrier(len(by_user))

    def work(items):
        barrier.wait()
        for exchange in items:
            services.exchange_decide(
                user=_counterparty_user(exchange, servants, places), exchange=exchange, accept=True
            )
        connection.close()

    threads = [threading.Thread(target=work, args=(items,)) for items in by_user.values()]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return one, time.perf_counter() - start, total


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gmr_thuis.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        data = build()
        moves, bare = latency(*data)
        one, many, total = throughput(*data)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    from django.conf import settings

    print(
        f"\nnegotiation table, {PARTICIPANTS} participants, database {connection.vendor}, "
        f"channel layer {settings.CHANNEL_LAYERS['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    p50, p95 = percentile(moves, 0.5), percentile(moves, 0.95)
    print(
        f"update after an accepted exchange: p50 {p50 * 1e3:7.1f} ms, p95 {p95 * 1e3:7.1f} ms "
        f"({len(moves)} arrivals)"
    )
    b50, b95 = percentile(bare, 0.5), percentile(bare, 0.95)
    print(
        f"baseline bare group_send:          p50 {b50 * 1e3:7.1f} ms, p95 {b95 * 1e3:7.1f} ms "
        f"(move / bare p95: {p95 / b95:.1f}×)"
    )
    print(f"throughput, one participant:  {total / one:7.1f} exchanges/s ({total} accepted)")
    if many is not None:
        print(
            f"throughput, {PARTICIPANTS} at once:       {total / many:7.1f} exchanges/s "
            f"(ratio {one / many:.2f}× of sequential)"
        )
    else:
        print("throughput with 40 at once: needs PostgreSQL (set DATABASE_URL)")
    print(
        f"goal p95 < {GOAL_P95:.0f} s: {'yes' if p95 < GOAL_P95 else 'NO'} "
        f"(mean {statistics.mean(moves) * 1e3:.1f} ms)"
    )


if __name__ == "__main__":
    main()
