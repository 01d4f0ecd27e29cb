"""Dutch first: the UI speaks Dutch unless the user chose English with the language switch."""

import logging

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from gmr_thuis.error_pages import OUTAGE_ERRORS, outage_response

logger = logging.getLogger(__name__)


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """The language switch's cookie decides; a browser's Accept-Language does not.

    Civil servants often run English browsers; the product's own language stays Dutch for them.
    API clients are programs, so under /api/ the Accept-Language header still chooses the
    language of error messages.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class OutageMiddleware:
    """PostgreSQL or Redis unreachable during a view: 503 with Retry-After, logged as a warning.

    The request is fine and will work again; a 500 would say otherwise and page the developers
    for what is an operations matter. Outages outside views reach `handler500`, which answers
    the same way.
    """

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
