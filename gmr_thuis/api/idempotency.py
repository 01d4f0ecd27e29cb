"""Idempotent creates (allocation reports, mediation offers): a client that resends a POST with
the same `Idempotency-Key` gets the first answer (200) instead of a second record; the same key
with different data is a 409."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

IDEMPOTENCY_HEADER = "Idempotency-Key"


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "Deze Idempotency-Key is al gebruikt voor een andere melding; kies een nieuwe sleutel."
    )
    default_code = "idempotency_conflict"


def idempotency_key(request, model) -> str | None:
    """The request's key (None without one), refused when longer than `model` stores."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip() or None
    limit = model._meta.get_field("idempotency_key").max_length
    if key is not None and len(key) > limit:
        raise exceptions.ValidationError(
            {IDEMPOTENCY_HEADER: _("Ten hoogste %(n)s tekens.") % {"n": limit}}
        )
    return key


def idempotent_response(serializer, record, *, created: bool, sent: dict, fields) -> Response:
    """201 for a new record; 200 for a resend of the same data; 409 when the key's first record
    differs from what was sent in any of `fields`."""
    if not created and any(getattr(record, f) != sent[f] for f in fields):
        raise IdempotencyConflict()
    return Response(
        serializer(record).data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )
