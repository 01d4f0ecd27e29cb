"""Celery jobs of monitoring: thin wrappers that call the services."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from monitoring import services


class ImportJobTask(Task):
    """Marks the job failed once retries are exhausted, so no import stays 'running' forever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.import_job_fail(job_id=args[0], errors=[f"{type(exc).__name__}: {exc}"])


# A database restarting passes; the import is one transaction, so a retry starts it afresh.
@shared_task(
    base=ImportJobTask,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=5,
)
def run_realisation_import(job_id):
    return services.realisation_import_job_execute(job_id=job_id).status
