"""Celery jobs of the allocation: thin wrappers that call the services, with retries."""

import os
import random
import time
from contextlib import contextmanager

from celery import Task, group, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerOperationalError

from allocation import services

# Errors that pass: a database restarting, a broker hiccup. Anything else fails the run at once.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError)
MAX_RETRIES = 6
RETRY_FIRST_SECONDS = 2.0
RETRY_MAX_SECONDS = 60.0


def retry_countdown(retries: int) -> float:
    """Seconds before retry number `retries` + 1: exponential, jittered, never 0, bounded.

    The ceiling doubles from 2 s up to 60 s; the wait is drawn from its upper half, so workers
    that failed together spread out, yet none retries at once (Celery's own full jitter may
    draw 0 s). Six retries wait about 1 + 2 + 4 + 8 + 16 + 30 s at least, 2 minutes at most.
    """
    ceiling = min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2**retries)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


@contextmanager
def retried_when_transient(task):
    """Turn a transient error into a retry of the task after `retry_countdown` seconds."""
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        raise task.retry(
            exc=exc, countdown=retry_countdown(task.request.retries), max_retries=MAX_RETRIES
        ) from exc


def _pause_between_steps():
    # Test hook: integration tests slow a real worker down to kill it mid-run.
    seconds = float(os.environ.get("GMR_ALLOCATION_STEP_SECONDS", "0") or 0)
    if seconds:
        time.sleep(seconds)


def _failure_message(exc) -> str:
    if isinstance(exc, TRANSIENT_ERRORS):
        return _(
            "De database of de wachtrij bleef na %(count)s pogingen onbereikbaar; "
            "start de verdeling opnieuw. (%(error)s)"
        ) % {"count": MAX_RETRIES + 1, "error": f"{type(exc).__name__}: {exc}"}
    return f"{type(exc).__name__}: {exc}"


class RunTask(Task):
    """Marks the run failed once retries are exhausted, so no run stays 'running' forever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Only the task responsible for the run fails it; a stray duplicate leaves it alone.
        services.allocation_run_fail(run_id=args[0], error=_failure_message(exc), task_id=task_id)


class SweepTask(Task):
    """Marks the sweep failed once retries are exhausted, as `RunTask` does for a run."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.sensitivity_sweep_fail(sweep_id=args[0], error=f"{type(exc).__name__}: {exc}")


@shared_task(bind=True, base=RunTask)
def run_allocation(self, run_id):
    with retried_when_transient(self):
        run = services.allocation_run_execute(
            run_id=run_id,
            task_id=self.request.id or "",
            after_step=_pause_between_steps,
            # Eager jobs compute inside the request: there is no worker to lose.
            heartbeat_every=None if self.request.is_eager else settings.GMR_RUN_HEARTBEAT_SECONDS,
        )
    return run.status


@shared_task(bind=True, base=SweepTask)
def run_sensitivity_sweep(self, sweep_id):
    """Small sweeps run here year by year; large ones fan out as a group of one task per year."""
    with retried_when_transient(self):
        # One snapshot of the inputs before any chunk starts: every year computes from the same data.
        sweep = services.sensitivity_sweep_prepare(sweep_id=sweep_id)
        years = range(sweep.scenario.first_year, sweep.scenario.last_year + 1)
        if services.sensitivity_sweep_is_large(sweep=sweep):
            group(sweep_year.s(sweep_id, year) for year in years).apply_async()
            return "split"
        for year in years:
            sweep = services.sensitivity_sweep_year(sweep_id=sweep_id, year=year)
    return sweep.status


@shared_task(bind=True, base=SweepTask)
def sweep_year(self, sweep_id, year):
    with retried_when_transient(self):
        return services.sensitivity_sweep_year(sweep_id=sweep_id, year=year).status


@shared_task
def sweep_runs():
    """Periodic: runs whose worker died go to another worker; runs lost from the queue re-sent."""
    return services.allocation_runs_sweep()
