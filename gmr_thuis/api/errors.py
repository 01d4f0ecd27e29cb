"""One error format for the whole API: {"errors": [{"field", "message", "code"}]}."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}


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


def api_exception_handler(exc, context):
    # Services validate with full_clean(); their ValidationError is the client's mistake (400).
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    # Other errors (401, 403, 404, 429...) come as {"detail": ...}: about no field.
    if not isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        detail = detail.get("detail", detail)
    response.data = {"errors": list(error_items(detail))}
    return response
