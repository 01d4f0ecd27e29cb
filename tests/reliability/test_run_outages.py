"""Allocation runs through outages, on private servers: Redis stopped and started, PostgreSQL
restarted, the worker killed. Each run ends once (or failed with a message), never hung or
doubled, and the run page says what is going on meanwhile."""

import re
import signal
import time

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from allocation import services
from allocation.models import AllocationResult, AllocationRun, RunStatus
from tests.allocation.conftest import groups, methodology, reference_data, scenario  # noqa: F401

pytestmark = [
    pytest.mark.services,
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
]
CELLS = 2 * 2 * 2  # municipalities × groups × years of the scenario: one run's results
TIMEOUT = 60
# The worker pauses this long after each of the two years, so a test acts while it runs.
STEP_SECONDS = 2.5
LOST_WORKER = "Werker verloren, wordt opnieuw geprobeerd."


def wait_for(condition, timeout=TIMEOUT, what="condition"):
    """Poll `condition` until truthy; database errors (a restarting server) count as not yet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except DatabaseError:
            connection.close()
            value = None
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"{what} not met in {timeout}s")


def current(run):
    return AllocationRun.objects.get(pk=run.pk)


def assert_finished_once(run):
    """Succeeded with exactly one run's results, or failed with a message and none."""
    run = wait_for(lambda: current(run).is_finished and current(run), what="run finished")
    results = AllocationResult.objects.filter(run=run).count()
    if run.status == RunStatus.SUCCEEDED:
        assert results == CELLS
    else:
        assert run.error and results == 0
    return run


def test_redis_stopped_and_started_during_a_run(
    celery_process,
    redis_server,
    private_cache_on_redis,
    client,
    project_leader,
    scenario,  # noqa: F811  (the fixture imported above)
):
    celery_process("worker", GMR_ALLOCATION_STEP_SECONDS=STEP_SECONDS)
    client.force_login(project_leader)
    start_url = reverse("allocation:run_start", args=[scenario.slug])
    assert client.post(start_url).status_code == 302
    run = scenario.runs.get()
    wait_for(lambda: current(run).progress > 0, what="run computing")

    redis_server.stop()
    # The run's page still answers from the database, and shows the run going on.
    page = client.get(reverse("allocation:run_detail", args=[run.pk]))
    assert page.status_code == 200 and "<strong>bezig</strong>" in page.content.decode()
    # A run started now cannot reach the queue: the user is told, the run ends failed.
    response = client.post(start_url, follow=True)
    assert response.status_code == 200
    unsent = scenario.runs.exclude(pk=run.pk).get()
    assert unsent.status == RunStatus.FAILED
    assert "wachtrij" in unsent.error and unsent.error in response.content.decode()

    redis_server.start()
    run = assert_finished_once(run)
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 1
    # The worker reconnected: a run started after the outage completes as well.
    after = services.allocation_run_start(user=project_leader, scenario=scenario)
    assert assert_finished_once(after).status == RunStatus.SUCCEEDED
    assert AllocationResult.objects.filter(run__scenario=scenario).count() == 2 * CELLS


def test_a_run_whose_message_a_redis_restart_lost_is_sent_again_by_the_sweeper(
    celery_process,
    redis_server,
    project_leader,
    scenario,  # noqa: F811
):
    import redis

    queue = redis.Redis(port=redis_server.port)
    run = services.allocation_run_start(user=project_leader, scenario=scenario)
    assert queue.llen("celery") == 1  # no worker yet: the job waits in Redis
    redis_server.stop()
    redis_server.start()
    assert queue.llen("celery") == 0  # Redis kept nothing: the run is queued with no message

    timing = {"GMR_RUN_REDISPATCH_SECONDS": 2, "GMR_RUN_SWEEP_SECONDS": 1}
    celery_process("beat", name="beat", **timing)
    celery_process("worker", **timing)
    run = assert_finished_once(run)
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 1


def test_postgres_restarted_during_a_run(
    celery_process,
    postgres_server,
    client,
    project_leader,
    scenario,  # noqa: F811
):
    worker = celery_process("worker", GMR_ALLOCATION_STEP_SECONDS=STEP_SECONDS)
    run = services.allocation_run_start(user=project_leader, scenario=scenario)
    wait_for(lambda: current(run).progress > 0, what="run computing")

    postgres_server.stop()
    time.sleep(2)
    postgres_server.start()
    connection.close()

    run = assert_finished_once(run)
    # The same task retried after its database came back, after a real wait, never "in 0s";
    # the retry is the same attempt, not a lost worker.
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 1
    retries = [float(s) for s in re.findall(r"Retry in ([\d.]+)s", worker.log_path.read_text())]
    assert retries and all(seconds >= 1 for seconds in retries)
    client.force_login(project_leader)
    page = client.get(reverse("allocation:run_progress", args=[run.pk])).content.decode()
    assert "klaar" in page and "100%" in page


def test_a_worker_killed_mid_run_is_replaced_and_the_run_finishes_once(
    celery_process,
    client,
    project_leader,
    scenario,  # noqa: F811
    settings,
):
    # Beats every half second, lost after 4 s without one, swept every second.
    timing = {
        "GMR_RUN_HEARTBEAT_SECONDS": 0.5,
        "GMR_RUN_LOST_AFTER_SECONDS": 4,
        "GMR_RUN_SWEEP_SECONDS": 1,
    }
    settings.GMR_RUN_LOST_AFTER_SECONDS = timing["GMR_RUN_LOST_AFTER_SECONDS"]
    celery_process("beat", name="beat", **timing)
    first = celery_process(
        "worker", name="first", GMR_ALLOCATION_STEP_SECONDS=STEP_SECONDS, **timing
    )
    run = services.allocation_run_start(user=project_leader, scenario=scenario)
    wait_for(lambda: current(run).progress > 0, what="run computing")
    lost_task = current(run).task_id

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = time.monotonic()
    assert current(run).status == RunStatus.RUNNING
    assert not AllocationResult.objects.filter(run=run).exists()
    second = celery_process("worker", name="second", wait=False, **timing)

    client.force_login(project_leader)
    progress_url = reverse("allocation:run_progress", args=[run.pk])
    wait_for(
        lambda: LOST_WORKER in client.get(progress_url).content.decode(),
        what="the page saying the worker was lost",
    )
    assert time.monotonic() - killed_at < 30  # within a minute, not the visibility timeout

    celery_process.ready(second)
    run = assert_finished_once(run)
    assert run.status == RunStatus.SUCCEEDED
    assert run.attempts == 2 and run.task_id != lost_task
    assert time.monotonic() - killed_at < TIMEOUT  # the broker would have waited 960 s
    page = client.get(progress_url).content.decode()
    assert "klaar" in page and LOST_WORKER not in page
    # Later sweeps leave the finished run alone: still one run's results.
    time.sleep(2)
    assert AllocationResult.objects.filter(run=run).count() == CELLS
    assert current(run).status == RunStatus.SUCCEEDED
