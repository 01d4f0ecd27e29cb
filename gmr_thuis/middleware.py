"""Dutch first: the UI speaks Dutch unless the user chose English with the language switch."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
