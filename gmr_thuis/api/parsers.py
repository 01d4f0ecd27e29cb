"""The API's JSON parser, with bounds: body size, nesting depth, finite numbers, storable text.

A body is read at most one byte past the limit, so a huge (or endless chunked) body costs the
limit, not the body. A body nested deeper than the bound is a 400 before a serializer walks it
recursively (a 5,000-deep body used to end in a RecursionError, 500); so is one deep enough to
exhaust json's own recursion. NaN/Infinity, which Python's json accepts but JSON does not, and
text no database column can hold (NUL, lone surrogates) never reach a serializer or a query.
"""

import json
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_MAX_DEPTH = 32


class RequestBodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("De inhoud van het verzoek is te groot.")
    default_code = "request_too_large"


def max_body_bytes():
    return getattr(settings, "GMR_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)


def max_depth():
    return getattr(settings, "GMR_API_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def too_large(limit):
    return RequestBodyTooLarge(
        _("De inhoud van het verzoek is groter dan %(limit)s bytes.") % {"limit": limit}
    )


def read_bounded(stream, content_length, limit):
    """The body's bytes, refused (413) past `limit`: by its Content-Length before reading."""
    if content_length is not None and content_length > limit:
        raise too_large(limit)
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise too_large(limit)
    return data


# A NUL character or a lone UTF-16 surrogate ("\\udb66") is valid JSON but no text the
# database can store; it is refused here rather than failing deep in a query.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def inspect_json(value):
    """(nesting depth, whether some key or string holds unstorable characters), walked
    without recursion: a deep body must not exhaust the stack here either."""
    deepest, unstorable = 0, False
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            unstorable = unstorable or bool(UNSTORABLE.search(item))
            continue
        if isinstance(item, dict):
            children = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest, unstorable


class NonFiniteNumber(ValueError):
    """NaN, Infinity or -Infinity in a body: Python's json reads them, JSON has no such numbers."""


def refuse_constant(name):
    raise NonFiniteNumber(name)


class BoundedJSONParser(JSONParser):
    """JSON bodies up to GMR_API_MAX_BODY_BYTES, nested at most GMR_API_MAX_DEPTH deep."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context.get("request")
        limit = max_body_bytes()
        content_length = None
        if request is not None:
            try:
                content_length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                content_length = None
        raw = read_bounded(stream, content_length, limit)
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(_("De inhoud is geen geldige UTF-8-tekst.")) from exc
        try:
            data = json.loads(text, parse_constant=refuse_constant)
        except RecursionError as exc:
            raise self.too_deep() from exc
        except NonFiniteNumber as exc:
            raise exceptions.ParseError(
                _("Getallen moeten eindig zijn; NaN en Infinity zijn geen JSON.")
            ) from exc
        except json.JSONDecodeError as exc:
            raise exceptions.ParseError(
                _("Ongeldige JSON op regel %(line)s, kolom %(column)s.")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        depth, unstorable = inspect_json(data)
        if depth > max_depth():
            raise self.too_deep()
        if unstorable:
            raise exceptions.ParseError(
                _("Tekst mag geen NUL-teken of losse UTF-16-surrogaat (\\ud800-\\udfff) bevatten.")
            )
        return data

    def too_deep(self):
        return exceptions.ParseError(
            _("De JSON is dieper genest dan %(depth)s niveaus.") % {"depth": max_depth()}
        )
