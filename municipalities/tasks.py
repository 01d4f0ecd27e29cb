"""Celery jobs of the reference data: thin wrappers that call the services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from monitoring.tasks import ImportJobTask
from municipalities import services


# A database restarting passes; the import is one transaction, so a retry starts it afresh.
@shared_task(
    base=ImportJobTask,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=5,
)
def run_figure_import(job_id):
    return services.figure_import_job_execute(job_id=job_id).status
