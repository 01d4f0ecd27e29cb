"""One error format for the whole API: {"errors": [{"field", "message", "code"}]}."""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}


def error_response(status, message, code):
    """An error answered outside DRF's views (404 of no route, 500, 503), in the same format."""
    return JsonResponse(
        {"errors": [{"field": None, "message": message, "code": code}]}, status=status
    )


def throttled_error(wait, message):
    """A 429 with `message` alone and Retry-After `wait`: DRF's Throttled would append an
    English "Expected available in n seconds." to any message given with a wait."""
    exc = exceptions.Throttled(detail=message)
    exc.wait = max(1, math.ceil(wait))
    return exc


def error_items(detail, field=None):
    """Flatten DRF's nested error detail into one item per message, with a dotted field path."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in NON_FIELD_KEYS:
                yield from error_items(value, field)
            else:
                yield from error_items(value, f"{field}.{key}" if field else str(key))
    elif isinstance(detail, list):
        for item in detail:
            yield from error_items(item, field)
    else:
        yield {"field": field, "message": str(detail), "code": getattr(detail, "code", None)}


def generic_message(exc, request):
    """Our own Dutch (and English) wording for DRF's generic messages, or None to keep exc's.

    DRF's own Dutch is partial ("Aanvraag was verstikt") and Django's 404 names the model in
    English ("No Municipality matches the given query."); an API client reads these.
    """
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Geef een API-sleutel mee: 'Authorization: Token <sleutel>'.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("De methode %(method)s is hier niet toegestaan.") % {"method": request.method}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("Inhoudstype '%(media_type)s' wordt niet ondersteund; stuur application/json.") % {
            "media_type": request.content_type
        }
    if isinstance(exc, exceptions.NotAcceptable):
        return _("Dit antwoord is alleen beschikbaar als application/json.")
    if isinstance(exc, exceptions.PermissionDenied):
        return _("U mag dit niet met deze sleutel.")
    if isinstance(exc, exceptions.NotFound):
        return _("Niet gevonden.")
    if isinstance(exc, exceptions.ParseError):
        return _("Het verzoek is niet goed samengesteld.")
    return None


# Their default detail is formatted with the method or media type; we never raise them otherwise.
FORMATTED_DEFAULTS = (exceptions.MethodNotAllowed, exceptions.UnsupportedMediaType)


def is_default_detail(exc):
    return str(exc.detail) == str(type(exc).default_detail)


def api_exception_handler(exc, context):
    # Services validate with full_clean(); their ValidationError is the client's mistake (400).
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException) and not isinstance(exc, exceptions.ValidationError):
        request = context.get("request")
        message = (
            generic_message(exc, request)
            if is_default_detail(exc) or isinstance(exc, FORMATTED_DEFAULTS)
            else None
        )
        if message is not None:
            exc.detail = exceptions.ErrorDetail(message, code=exc.default_code)
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    # Other errors (401, 403, 404, 429...) come as {"detail": ...}: about no field.
    if not isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        detail = detail.get("detail", detail)
    response.data = {"errors": list(error_items(detail))}
    return response
