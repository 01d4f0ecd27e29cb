"""Celery jobs of monitoring: thin wrappers that call the services, and the notification mails,
retried while the database or the mail server is away."""

from smtplib import SMTPException

from celery import Task, shared_task
from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError

from monitoring import notifications, services


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


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_notification(event: str, label: str, pk: int) -> int:
    """Send the mail of `event` about the record (`label`, `pk`); returns the recipients' count."""
    obj = apps.get_model(label)._default_manager.filter(pk=pk).first()
    if obj is None:
        return 0
    recipients, subject, body = notifications.message(event, obj)
    if not recipients:
        return 0
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)
