"""Query filters that refuse what the schema does not allow, instead of ignoring it.

django-filter is lenient: `year=0.5` filters on 0.5, `legally_urgent=AAA` and `date_to=` are
dropped, `date_to=1/2/2026` is read as an American date. A client then gets all rows and
believes they are the filtered ones. These filters accept exactly what the schema says
(integer, `true`/`false`, `YYYY-MM-DD`) and answer 400 otherwise.
"""

import re
from datetime import date

import django_filters
import django_filters.fields
from django import forms
from django.core import validators
from django.db import models
from django.utils.translation import gettext_lazy as _


class GivenMeansFilled:
    """A parameter that is given must have a value: `?year=` is a mistake, not "no filter"."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


class StrictIntegerFormField(GivenMeansFilled, forms.IntegerField):
    default_error_messages = {"invalid": _("Geef een geheel getal.")}
    digits = re.compile(r"-?\d{1,100}")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not self.digits.fullmatch(str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


class StrictDateFormField(GivenMeansFilled, forms.DateField):
    default_error_messages = {"invalid": _("Geef een datum als JJJJ-MM-DD.")}
    iso_date = re.compile(r"\d{4}-\d{2}-\d{2}")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not self.iso_date.fullmatch(str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class StrictBooleanFormField(GivenMeansFilled, forms.Field):
    default_error_messages = {"invalid": _("Geef true of false.")}
    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value not in {"true", "false"}:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value == "true"


# What a database integer column can hold; a value beyond it matches no row.
INTEGER_RANGE = range(-(2**63), 2**63)


class TextFormField(forms.CharField):
    """Any text; Django's CharField would refuse a NUL character with a 400."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, validators.ProhibitNullCharactersValidator)
        ]


class TextFilter(django_filters.CharFilter):
    """A text filter; text with a NUL character is valid to ask for and matches nothing,
    since the database stores no such text."""

    field_class = TextFormField

    def filter(self, qs, value):
        if value and "\x00" in value:
            return qs.none()
        return super().filter(qs, value)


class StrictIntegerFilter(django_filters.NumberFilter):
    field_class = StrictIntegerFormField

    def filter(self, qs, value):
        if value is not None and value not in INTEGER_RANGE:
            return qs.none()
        return super().filter(qs, value)


class StrictDateFilter(django_filters.DateFilter):
    field_class = StrictDateFormField


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanFormField


class StrictChoiceFormField(GivenMeansFilled, django_filters.fields.ChoiceField):
    default_error_messages = {"invalid": _("Kies een van de toegestane waarden.")}


class StrictChoiceFilter(django_filters.ChoiceFilter):
    field_class = StrictChoiceFormField


INTEGER_FIELDS = [
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.AutoField,
    models.BigAutoField,
]


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet whose generated filters for integers, dates and booleans are strict."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.CharField: {"filter_class": TextFilter},
        models.TextField: {"filter_class": TextFilter},
        **{field: {"filter_class": StrictIntegerFilter} for field in INTEGER_FIELDS},
        models.DateField: {"filter_class": StrictDateFilter},
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }
