"""Allocation runs on a real Celery worker with Redis and PostgreSQL: progress, a dying worker,
duplicate delivery, approval."""

import signal
import threading
import time

import psycopg
import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count

from allocation import services
from allocation.models import (
    AllocationResult,
    AllocationRun,
    ImmutableWhenApproved,
    RunStatus,
    SensitivityBand,
    SensitivitySweep,
)
from tests.allocation.conftest import groups, methodology, reference_data, scenario  # noqa: F401
from tests.integration.conftest import database_url_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
CELLS = 2 * 2 * 2  # municipalities × groups × years of the scenario
TIMEOUT = 60


@pytest.fixture
def slow_steps(monkeypatch):
    """Make the worker pause after each year, so a test can watch (or kill) it mid-run."""
    monkeypatch.setenv("GMR_ALLOCATION_STEP_SECONDS", "2")


def wait_for(condition, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail("condition not met in time")


def test_a_run_completes_on_a_real_worker_and_its_progress_moves(
    slow_steps,
    celery_worker_process,
    scenario,  # noqa: F811  (the fixture imported above)
    project_leader,
):
    run = services.allocation_run_start(user=project_leader, scenario=scenario)
    seen = set()

    def finished():
        current = AllocationRun.objects.get(pk=run.pk)
        seen.add(current.progress)
        return current.is_finished and current

    run = wait_for(finished)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert any(0 < progress < 100 for progress in seen)
    assert run.progress == 100
    assert AllocationResult.objects.filter(run=run).count() == CELLS


def test_killing_the_worker_mid_run_leaves_no_partial_results_and_the_sweeper_requeues_it(
    slow_steps,
    celery_worker_process,
    scenario,  # noqa: F811  (the fixture imported above)
    project_leader,
    settings,
):
    from gmr_thuis.celery import app

    run = services.allocation_run_start(user=project_leader, scenario=scenario)
    wait_for(lambda: AllocationRun.objects.get(pk=run.pk).progress > 0)
    celery_worker_process.send_signal(signal.SIGKILL)
    celery_worker_process.wait(timeout=10)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert not AllocationResult.objects.filter(run=run).exists()
    # Its heartbeat stopped: once it is old enough the sweeper gives the run to another worker.
    settings.GMR_RUN_LOST_AFTER_SECONDS = 0
    assert services.allocation_runs_sweep()["requeued"] == 1
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.attempts == 1
    assert not AllocationResult.objects.filter(run=run).exists()
    app.control.purge()  # no worker of a later test should find this run's new message


def test_a_duplicate_delivery_does_not_duplicate_results(
    celery_worker_process,
    scenario,  # noqa: F811  (the fixture imported above)
    project_leader,
):
    from allocation.tasks import run_allocation

    run = services.allocation_run_start(user=project_leader, scenario=scenario)
    duplicates = [run_allocation.delay(run.pk) for _ in range(2)]
    for duplicate in duplicates:
        assert duplicate.get(timeout=TIMEOUT) == RunStatus.SUCCEEDED
    assert AllocationResult.objects.filter(run=run).count() == CELLS


def test_only_the_project_leader_approves_and_the_approved_run_is_frozen(
    celery_worker_process,
    scenario,  # noqa: F811
    project_leader,
    steering_member,
    owner,
):
    run = services.allocation_run_start(user=project_leader, scenario=scenario)
    run = wait_for(lambda: (r := AllocationRun.objects.get(pk=run.pk)).is_finished and r)
    for user in (steering_member, owner):
        with pytest.raises(PermissionDenied):
            services.allocation_run_approve(user=user, run=run)
    services.allocation_run_approve(user=project_leader, run=run)
    with pytest.raises(ImmutableWhenApproved):
        run.delete()
    with pytest.raises(ImmutableWhenApproved):
        AllocationResult.objects.filter(run=run).update(quota=0)
    # A re-delivered task for the approved run changes nothing either.
    from allocation.tasks import run_allocation

    assert run_allocation.delay(run.pk).get(timeout=TIMEOUT) == RunStatus.SUCCEEDED
    assert AllocationResult.objects.filter(run=run).count() == CELLS


def test_the_years_of_a_sweep_are_written_side_by_side_and_a_repeated_year_waits(
    postgres_db,
    scenario,  # noqa: F811  (the fixture imported above)
):
    from django.db import connections

    sweep = SensitivitySweep.objects.create(
        scenario=scenario, weight_factors=[1], cap_shares=[0.5], methodology_count=1
    )
    services.sensitivity_sweep_prepare(sweep_id=sweep.pk)
    done = {}

    def write(year, label):
        try:
            done[label] = services.sensitivity_sweep_year(sweep_id=sweep.pk, year=year).status
        finally:
            connections.close_all()  # this thread's own connection

    # Another worker is writing 2025 and has not committed yet.
    other = psycopg.connect(database_url_for(postgres_db.settings_dict))
    try:
        other.execute("SELECT pg_advisory_xact_lock(%s, %s)", [sweep.pk, 2025])
        repeated = threading.Thread(target=write, args=(2025, "2025 again"))
        repeated.start()
        elsewhere = threading.Thread(target=write, args=(2026, "2026"))
        elsewhere.start()
        elsewhere.join(timeout=TIMEOUT)
        assert done.get("2026") == RunStatus.RUNNING  # written while 2025 is held
        time.sleep(0.5)
        assert "2025 again" not in done  # waits for the first delivery of its year
        other.commit()  # the first delivery ends (without bands: it crashed)
    finally:
        other.close()  # never leaves the repeated year waiting, whatever failed
    repeated.join(timeout=TIMEOUT)
    assert done["2025 again"] == RunStatus.SUCCEEDED
    sweep.refresh_from_db()
    assert sweep.years_done == [2025, 2026]
    per_year = dict(
        SensitivityBand.objects.filter(sweep=sweep)
        .values_list("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    assert per_year == {2025: CELLS // 2, 2026: CELLS // 2}
