"""Celery jobs of the mediation table: the daily anonymisation of long-closed cases."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from mediation import services


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def anonymise_closed_cases():
    return services.anonymise_closed_cases()
