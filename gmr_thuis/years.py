"""The one plausible range of years, for data years and report dates alike.

Figures, realisation, agreements and reports all describe the housing of people now or in the
planned future: nothing before FIRST_YEAR is data of this platform, nothing after LAST_YEAR a
plan. A year outside is a typing error (0000, 1024, 9999), so it is
refused with a Dutch message instead of being stored or crashing a query.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIRST_YEAR = 1990
LAST_YEAR = 2100

_YEAR_TEXT = re.compile(r"[0-9]{4}(?:\.0+)?")


def _out_of_range(value, first=FIRST_YEAR, last=LAST_YEAR) -> ValidationError:
    return ValidationError(
        _("'%(value)s' is geen jaartal tussen %(first)s en %(last)s.")
        % {"value": value, "first": first, "last": last},
        code="year",
    )


def parse_year(value, *, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> int:
    """The year in a cell or field ("2024", 2024, Excel's 2024.0), else ValidationError.

    `first` and `last` narrow the range for data that has a narrower window of its own (the
    monitoring period); they never widen it beyond the plausible range.
    """
    first, last = max(first, FIRST_YEAR), min(last, LAST_YEAR)
    if isinstance(value, bool):
        raise _out_of_range(value, first, last)
    shown = value  # in a message, the value as the user typed it ("0000", not 0)
    if isinstance(value, int):
        year = value
    elif isinstance(value, float | Decimal):
        try:
            integral = value == int(value)
        except (ValueError, OverflowError, InvalidOperation):
            integral = False
        if not integral:
            raise _out_of_range(value, first, last)
        year = int(value)
    else:
        text = str(value if value is not None else "").strip()
        # ASCII digits only: "²" and other Unicode digits are not a year anyone typed.
        if not _YEAR_TEXT.fullmatch(text):
            raise _out_of_range(text if len(text) <= 40 else text[:39] + "…", first, last)
        year, shown = int(text.partition(".")[0]), text
    if not first <= year <= last:
        raise _out_of_range(shown, first, last)
    return year


def validate_year(year: int) -> None:
    """A validator for model, form and serializer fields holding a year."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _out_of_range(year)


def validate_date(value: datetime.date) -> None:
    """A validator for dates: the date's year must be a plausible year."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("%(date)s ligt niet tussen %(first)s en %(last)s.")
            % {"date": value.isoformat(), "first": FIRST_YEAR, "last": LAST_YEAR},
            code="date",
        )


def year_from_query(query, name: str = "jaar", default=None):
    """The plausible year in query parameter `name`, else `default` (never an exception).

    For views that take `?jaar=2026`: a missing, malformed or implausible value falls back to
    the default, the way a missing one does.
    """
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse_year(raw)
    except ValidationError:
        return default
