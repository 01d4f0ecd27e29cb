"""What a client sees when a request fails: JSON under /api/, a page elsewhere.

An outage (PostgreSQL or Redis unreachable) is a 503 with Retry-After, not a 500: nothing is
wrong with the request and it will work again. Under /api/ every answer is JSON in the API's
error format, also for a URL no route matches and for an unexpected error, so a client never
has to parse an HTML page.
"""

import sys

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

# What an unreachable database or cache raises (Django's cache and Channels use redis-py).
OUTAGE_ERRORS = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)
# Seconds a client should wait before trying again: a restart or failover takes this long.
RETRY_AFTER_SECONDS = 30


def is_api(request):
    return request.path.startswith("/api/")


def api_error(status, message, code):
    return JsonResponse(
        {"errors": [{"field": None, "message": message, "code": code}]}, status=status
    )


def outage_response(request):
    """503 with Retry-After: JSON under /api/, else the static Dutch page (no database needed)."""
    if is_api(request):
        response = api_error(
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


def page_not_found(request, exception=None):
    if is_api(request):
        return api_error(404, _("Niet gevonden."), "not_found")
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: also reached by an outage raised outside a view (in a middleware)."""
    _type, exc, _traceback = sys.exc_info()
    if isinstance(exc, OUTAGE_ERRORS):
        return outage_response(request)
    if is_api(request):
        return api_error(
            500,
            _("Er ging iets mis aan onze kant; er is niets opgeslagen. Probeer het later opnieuw."),
            "server_error",
        )
    return defaults.server_error(request)
