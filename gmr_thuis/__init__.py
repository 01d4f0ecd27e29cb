"""GMR Thuis project package: settings, URLs, the Celery app and the roles glue."""

from .celery import app as celery_app

__all__ = ("celery_app",)
