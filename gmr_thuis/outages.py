"""PostgreSQL or Redis unreachable: a 503 with Retry-After, not a 500.

Nothing is wrong with the request and it will work again; a 500 would say otherwise and page
the developers for what is an operations matter. Under /api/ the answer is JSON in the API's
error format; elsewhere a static Dutch page that needs no database.
"""

import logging

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

from gmr_thuis.api.errors import error_response

logger = logging.getLogger(__name__)

# What an unreachable database or cache raises (Django's cache and Channels use redis-py).
OUTAGE_ERRORS = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)
# Seconds a client should wait before trying again: a restart or failover takes this long.
RETRY_AFTER_SECONDS = 30


def outage_response(request):
    """503 with Retry-After: JSON under /api/, else the static Dutch page (no database needed)."""
    if request.path.startswith("/api/"):
        response = error_response(
            503,
            _("De dienst is tijdelijk niet bereikbaar; probeer het over %(n)s seconden opnieuw.")
            % {"n": RETRY_AFTER_SECONDS},
            "service_unavailable",
        )
    else:
        # Rendered without the request: its context processors would ask the database.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class OutageMiddleware:
    """An outage during a view: the 503 above, logged as a warning. Outages outside views
    (in a middleware) reach handler500 (gmr_thuis.errorpages), which answers the same."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        logger.warning(
            "Service unreachable during %s %s: %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        return outage_response(request)
