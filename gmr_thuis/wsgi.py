"""WSGI entry point (gunicorn gmr_thuis.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gmr_thuis.settings")
application = get_wsgi_application()
