"""The product's own "not found" page, also while DEBUG is on (as under `make run`); and the
handlers for 404 and 500, which under /api/ answer JSON in the API's error format, so a client
never has to parse an HTML page.

With DEBUG, Django answers a 404 with its technical page, which lists every URL pattern. Users
of `make run` are people trying the product, so they get the product's page; developers who want
Django's page set GMR_DEBUG_404=1.
"""

import sys

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found, server_error

from gmr_thuis.api.errors import error_response
from gmr_thuis.outages import OUTAGE_ERRORS, outage_response


class ProductNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def _applies(self, request):
        # Under /api/ the answer is JSON (not_found_handler), with DEBUG on as well.
        return settings.DEBUG and not getattr(settings, "GMR_DEBUG_404", False)

    def __call__(self, request):
        response = self.get_response(request)
        # No URL matched: Django rendered its technical page before any view ran.
        if (
            response.status_code == 404
            and request.resolver_match is None
            and self._applies(request)
        ):
            return not_found_handler(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._applies(request):
            return not_found_handler(request, exception)
        return None


def not_found_handler(request, exception=None):
    """handler404: also for an /api/ URL no route matches."""
    if request.path.startswith("/api/"):
        return error_response(404, _("Niet gevonden."), "not_found")
    return page_not_found(request, exception)


def server_error_handler(request):
    """handler500: an outage raised outside a view is a 503; under /api/ a 500 is JSON."""
    _type, exc, _traceback = sys.exc_info()
    if isinstance(exc, OUTAGE_ERRORS):
        return outage_response(request)
    if request.path.startswith("/api/"):
        return error_response(
            500,
            _("Er ging iets mis aan onze kant; er is niets opgeslagen. Probeer het later opnieuw."),
            "server_error",
        )
    return server_error(request)
