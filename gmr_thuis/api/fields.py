"""Serializer fields that take the JSON type the schema names, not whatever converts to it.

DRF reads `"reference": 0` as the text "0" and `"count": "2"` or `2.0` as 2; a client's bug
then goes unnoticed. Here a string field takes a JSON string and an integer field a JSON
integer, and anything else is a 400 on that field.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": _("Geef tekst (een JSON-string).")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": _("Geef een geheel getal (een JSON-integer).")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class QueryIntegerField(serializers.IntegerField):
    """An integer query parameter: digits only ("2026", not "2026.0" or "2026 ")."""

    default_error_messages = {"invalid": _("Geef een geheel getal.")}
    digits = re.compile(r"-?\d{1,9}")

    def to_internal_value(self, data):
        if not isinstance(data, str) or not self.digits.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class FullRegexField(serializers.RegexField):
    """A RegexField whose whole, untrimmed value must match: Python's `$` also matches before
    a final newline and DRF trims whitespace; the schema's (ECMAScript) pattern does neither."""

    def __init__(self, regex, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(regex, **kwargs)
        self.pattern = re.compile(regex)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not self.pattern.fullmatch(value):
            self.fail("invalid")
        return value


class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.IntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.PositiveBigIntegerField: StrictIntegerField,
    }
