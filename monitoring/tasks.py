"""Celery jobs of monitoring: the notification mails, retried while the mail server is away."""

from smtplib import SMTPException

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail

from monitoring import notifications


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
