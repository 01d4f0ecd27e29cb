"""The OpenAPI schema documents every answer the API gives, errors included, in one format."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True,
        help_text=_("Het veld of de parameter, of null als het over geen veld gaat."),
    )
    message = serializers.CharField(help_text=_("De melding, in de taal van Accept-Language."))
    code = serializers.CharField(allow_null=True, help_text=_("Een vaste code voor programma's."))


class ErrorSerializer(serializers.Serializer):
    """{"errors": [{"field", "message", "code"}]}: see gmr_thuis.api.errors."""

    errors = ErrorItemSerializer(many=True)

    class Meta:
        ref_name = "Error"


RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before trying again.",
        "required": True,
    }
}

# Answers every operation can give, whatever it does.
COMMON_ERRORS = {
    "400": "Invalid query parameter, or one given more than once.",
    "401": "No key, or an unknown, expired or revoked key.",
    "404": "Not found, or not visible with this key; or a page beyond the last.",
    "406": "The Accept header asks for something other than application/json.",
    "429": "Too many requests with this key, or too many wrong keys from this address.",
    "503": "The database or cache is unreachable; try again after Retry-After seconds.",
}
# And those of operations that take a body (writes).
BODY_ERRORS = {
    "400": "Invalid body: a field's value, malformed JSON, nesting too deep or NaN/Infinity.",
    "403": "This key may only read, or its user may not do this.",
    "413": "The body is larger than the API accepts.",
    "415": "The body is not application/json.",
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error answers (and their Retry-After) added."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not self._is_api_operation():
            return responses
        errors = dict(COMMON_ERRORS)
        if self.method in {"POST", "PUT", "PATCH"}:
            errors.update(BODY_ERRORS)
        for code, description in errors.items():
            if code in responses:
                continue
            responses[code] = self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description=description), code, direction=direction
            )
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if self._is_api_operation() and status_code in {"429", "503"}:
            headers = {**RETRY_AFTER, **headers}
        return headers

    def _is_api_operation(self):
        from gmr_thuis.api.base import ScopedViewSet

        return isinstance(self.view, ScopedViewSet)
