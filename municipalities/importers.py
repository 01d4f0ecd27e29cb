"""Readers of municipality-figure files: the project's CSV and a CBS StatLine export.

The file itself is read by `gmr_thuis.tabular` (CSV with comma or semicolon, any of the usual
encodings, or XLSX); this module turns its rows into figures.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gmr_thuis import years
from gmr_thuis.tabular import HEADER_ROW, Table, records, shown
from municipalities.models import Indicator

# Row numbers in messages are the file's line numbers as a spreadsheet shows them: the header is
# row 1 (tabular.HEADER_ROW), the first data row is row 2.

# A number as people type it in a spreadsheet: digits with an optional decimal part after a
# point or a comma. No exponents (1e999), no Unicode digits (²), no NaN or Infinity.
NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
# More digits than any count of people or dwellings has: refused here with the row, before a
# database column overflows.
MAX_INTEGER_DIGITS = 10

# The project's CSV: the columns of shared/data/gmr_municipalities.csv, plus any indicator code
# (Indicator values) as an extra column; each value column may have a `<column>_source` column.
PROJECT_COLUMNS = {"population": Indicator.INHABITANTS} | {i.value: i for i in Indicator}
SOURCE_COLUMN_ALIASES = {"turnover_source": Indicator.TURNOVER}
PROJECT_KEY_COLUMNS = {"cbs_code", "municipality", "year"}

# CBS StatLine typed-data-set CSV (semicolon-separated, `RegioS` like "GM0293    ", `Perioden`
# like "2024JJ00"). Supported measures, by their StatLine key:
#   70072NED "Regionale kerncijfers Nederland": TotaleBevolking_1 -> inhabitants.
# Further keys can be mapped per import (`statline_columns`).
STATLINE_MEASURES = {"TotaleBevolking_1": Indicator.INHABITANTS}
STATLINE_MISSING = {"", "."}
STATLINE_YEAR = re.compile(r"^(\d{4})JJ00$")

# A source that says it is approximate or an estimate marks the figure as an estimate.
ESTIMATE_WORDS = re.compile(r"estimate|approximat|schatting|geschat|benadering", re.IGNORECASE)


@dataclass(frozen=True)
class FigureRow:
    """One figure read from a file, with the row it came from."""

    row: int
    cbs_code: str
    year: int
    indicator: str
    value: Decimal
    source: str
    is_estimate: bool
    municipality_name: str = ""


def source_is_estimate(source):
    return bool(ESTIMATE_WORDS.search(source))


@dataclass
class ParsedFile:
    figures: list[FigureRow]
    errors: list[str]
    # StatLine exports cover the whole country: regions outside the GMR are passed over there,
    # while an unknown code in the project's own CSV is an error.
    is_statline: bool = False
    skipped_regions: int = 0


def row_error(row, message):
    return _("Rij %(row)s: %(message)s") % {"row": row, "message": message}


def in_row_order(messages):
    """Messages without duplicates, by the first row each names (stable within a row)."""
    unique = list(dict.fromkeys(messages))
    return sorted(unique, key=lambda message: int(re.search(r"\d+", message).group()))


def parse_number(text, *, row, column, errors):
    """The number in a cell ("1234", "8,5" or "8.5"), or None after recording a Dutch error."""
    cleaned = text.strip()
    value = None
    if NUMBER.fullmatch(cleaned):
        try:
            value = Decimal(cleaned.replace(",", "."))  # a Dutch decimal comma
        except InvalidOperation:
            value = None
    if value is None:
        errors.append(
            row_error(
                row,
                _("kolom '%(column)s': '%(text)s' is geen getal.")
                % {"column": column, "text": shown(cleaned)},
            )
        )
        return None
    if len(cleaned.lstrip("+-").replace(",", ".").partition(".")[0]) > MAX_INTEGER_DIGITS:
        errors.append(
            row_error(
                row,
                _("kolom '%(column)s': %(text)s is te groot.")
                % {"column": column, "text": shown(cleaned)},
            )
        )
        return None
    return value


def parse_year(text, *, row, errors):
    try:
        return years.parse_year(text)
    except ValidationError as error:
        errors.extend(
            row_error(row, _("kolom 'year': %(message)s") % {"message": message})
            for message in error.messages
        )
    return None


def parse_figure_file(table: Table, *, default_source, year=None, statline_columns=None):
    """Read a project file or a StatLine export (recognised by its `RegioS` column)."""
    if "RegioS" in table.header:
        return _parse_statline(
            table, default_source=default_source, year=year, extra_columns=statline_columns or {}
        )
    return _parse_project_csv(table, default_source=default_source, year=year)


def _parse_project_csv(table, *, default_source, year):
    header = table.header
    errors = []
    value_columns = [c for c in header if c in PROJECT_COLUMNS]
    source_columns = {f"{c}_source": c for c in value_columns}
    source_columns |= {
        alias: c
        for alias, indicator in SOURCE_COLUMN_ALIASES.items()
        for c in value_columns
        if PROJECT_COLUMNS[c] == indicator
    }
    unknown = [c for c in header if c not in PROJECT_KEY_COLUMNS | set(value_columns)]
    unknown = [c for c in unknown if c not in source_columns]
    for column in unknown:
        errors.append(
            row_error(HEADER_ROW, _("onbekende kolom '%(column)s'.") % {"column": shown(column)})
        )
    if "cbs_code" not in header:
        errors.append(row_error(HEADER_ROW, _("de kolom 'cbs_code' ontbreekt.")))
    if not value_columns:
        errors.append(row_error(HEADER_ROW, _("er is geen kolom met cijfers.")))
    if "year" not in header and year is None:
        errors.append(
            row_error(HEADER_ROW, _("geef een jaar op: een kolom 'year' of de optie --year."))
        )
    if errors:
        return ParsedFile(figures=[], errors=errors)
    sources = {c: s for s, c in source_columns.items() if s in header}
    figures = []
    for row_number, record in records(table):
        cbs_code = (record.get("cbs_code") or "").strip()
        row_year = year
        if "year" in header and (record.get("year") or "").strip():
            row_year = parse_year(record["year"], row=row_number, errors=errors)
        elif row_year is None:
            row_year = parse_year("", row=row_number, errors=errors)
        for column in value_columns:
            cell = (record.get(column) or "").strip()
            if not cell:
                continue
            value = parse_number(cell, row=row_number, column=column, errors=errors)
            if value is None or row_year is None:
                continue
            source = (record.get(sources[column]) or "").strip() if column in sources else ""
            source = source or default_source
            figures.append(
                FigureRow(
                    row=row_number,
                    cbs_code=cbs_code,
                    year=row_year,
                    indicator=PROJECT_COLUMNS[column].value,
                    value=value,
                    source=source,
                    is_estimate=source_is_estimate(source),
                    municipality_name=(record.get("municipality") or "").strip(),
                )
            )
    return ParsedFile(figures=figures, errors=errors)


def _parse_statline(table, *, default_source, year, extra_columns):
    header = table.header
    measures = {**STATLINE_MEASURES, **extra_columns}
    measure_columns = [c for c in header if c in measures]
    errors = []
    if "Perioden" not in header:
        errors.append(row_error(HEADER_ROW, _("de kolom 'Perioden' ontbreekt.")))
    if not measure_columns:
        errors.append(
            row_error(
                HEADER_ROW,
                _("geen ondersteunde StatLine-kolom gevonden (verwacht: %(columns)s).")
                % {"columns": ", ".join(sorted(measures))},
            )
        )
    if errors:
        return ParsedFile(figures=[], errors=errors, is_statline=True)
    figures = []
    skipped = 0
    for row_number, record in records(table):
        region_code = (record.get("RegioS") or "").strip()
        if not region_code.startswith("GM"):
            skipped += 1  # the country, provinces, COROP areas: not a municipality
            continue
        period = (record.get("Perioden") or "").strip()
        match = STATLINE_YEAR.match(period)
        if match is None:
            errors.append(
                row_error(
                    row_number,
                    _("Perioden '%(period)s' is geen jaar (verwacht zoals 2024JJ00).")
                    % {"period": period},
                )
            )
            continue
        row_year = parse_year(match.group(1), row=row_number, errors=errors)
        if row_year is None or (year is not None and row_year != year):
            continue
        for column in measure_columns:
            cell = (record.get(column) or "").strip()
            if cell in STATLINE_MISSING:
                continue
            value = parse_number(cell, row=row_number, column=column, errors=errors)
            if value is None:
                continue
            figures.append(
                FigureRow(
                    row=row_number,
                    cbs_code=region_code,
                    year=row_year,
                    indicator=str(measures[column]),
                    value=value,
                    source=f"CBS StatLine {column} ({default_source})",
                    is_estimate=False,
                )
            )
    return ParsedFile(figures=figures, errors=errors, is_statline=True, skipped_regions=skipped)
