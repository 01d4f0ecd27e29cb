"""The product's own "not found" page, also while DEBUG is on (as under `make run`).

With DEBUG, Django answers a 404 with its technical page, which lists every URL pattern. Users
of `make run` are people trying the product, so they get the product's page; developers who want
Django's page set GMR_DEBUG_404=1.
"""

from django.conf import settings
from django.http import Http404
from django.views.defaults import page_not_found


class ProductNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def _applies(self, request):
        # The API answers in JSON through its own exception handler.
        return (
            settings.DEBUG
            and not getattr(settings, "GMR_DEBUG_404", False)
            and not request.path.startswith("/api/")
        )

    def __call__(self, request):
        response = self.get_response(request)
        # No URL matched: Django rendered its technical page before any view ran.
        if (
            response.status_code == 404
            and request.resolver_match is None
            and self._applies(request)
        ):
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._applies(request):
            return page_not_found(request, exception)
        return None
