"""Celery jobs of the allocation: thin wrappers that call the services, with retries."""

import os
import time

from celery import Task, group, shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from allocation import services

# Errors that pass: a database restarting, a broker hiccup. Anything else fails the run at once.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError)
RETRY_OPTIONS = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


def _pause_between_steps():
    # Test hook: integration tests slow a real worker down to kill it mid-run.
    seconds = float(os.environ.get("GMR_ALLOCATION_STEP_SECONDS", "0") or 0)
    if seconds:
        time.sleep(seconds)


class RunTask(Task):
    """Marks the run failed once retries are exhausted, so no run stays 'running' forever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.allocation_run_fail(run_id=args[0], error=f"{type(exc).__name__}: {exc}")


class SweepTask(Task):
    """Marks the sweep failed once retries are exhausted, as `RunTask` does for a run."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.sensitivity_sweep_fail(sweep_id=args[0], error=f"{type(exc).__name__}: {exc}")


@shared_task(base=RunTask, **RETRY_OPTIONS)
def run_allocation(run_id):
    run = services.allocation_run_execute(run_id=run_id, after_step=_pause_between_steps)
    return run.status


@shared_task(base=SweepTask, **RETRY_OPTIONS)
def run_sensitivity_sweep(sweep_id):
    """Small sweeps run here year by year; large ones fan out as a group of one task per year."""
    # One snapshot of the inputs before any chunk starts: every year computes from the same data.
    sweep = services.sensitivity_sweep_prepare(sweep_id=sweep_id)
    years = range(sweep.scenario.first_year, sweep.scenario.last_year + 1)
    if services.sensitivity_sweep_is_large(sweep=sweep):
        group(sweep_year.s(sweep_id, year) for year in years).apply_async()
        return "split"
    for year in years:
        sweep = services.sensitivity_sweep_year(sweep_id=sweep_id, year=year)
    return sweep.status


@shared_task(base=SweepTask, **RETRY_OPTIONS)
def sweep_year(sweep_id, year):
    return services.sensitivity_sweep_year(sweep_id=sweep_id, year=year).status


@shared_task
def fail_lost_runs():
    """Periodic: runs whose worker died without a redelivery end failed."""
    return services.allocation_runs_fail_lost()
