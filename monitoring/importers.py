"""Realisation upload (CSV or XLSX) with Dutch errors per row, its template, and table export.

The file is read by `gmr_thuis.tabular`, the reader of every import. This module only parses:
whether the user may write each municipality is the service's decision
(`monitoring.services.realisation_import`).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gmr_thuis import years
from gmr_thuis.tabular import Table, cell_text, read_table, shown
from monitoring.models import year_validators
from municipalities.models import Municipality, Neighbourhood, TargetGroup

# The years realisation is recorded for: the monitoring period (the model's own validators).
FIRST_YEAR, LAST_YEAR = (validator.limit_value for validator in year_validators)

COLUMNS = ["gemeente", "aandachtsgroep", "jaar", "kwartaal", "plaatsingen"]
# Optional: the CBS code (or name) of the wijk or buurt where the placements landed.
NEIGHBOURHOOD_COLUMN = "wijk"
TEMPLATE_COLUMNS = [*COLUMNS, NEIGHBOURHOOD_COLUMN]
EXAMPLE_ROW = ["GM0293", "uitstroom-bw", 2026, 1, 3, "WK029300"]


class ImportRejected(Exception):
    """The file has errors; nothing is written. `errors` are Dutch sentences with row numbers."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class RealisationRow:
    line: int
    municipality: Municipality
    target_group: TargetGroup
    year: int
    quarter: int
    placements: int
    neighbourhood: Neighbourhood | None = None


def read_realisation_table(upload) -> Table:
    """The file as a table (size and row limits checked), or ImportRejected saying why not."""
    try:
        return read_table(upload)
    except ValidationError as error:
        raise ImportRejected(error.messages) from error


# Placements are counted in a PositiveIntegerField; a larger number is refused with its row
# instead of overflowing the column when it is written.
MAX_PLACEMENTS = 2_147_483_647
# Longer digit strings are not converted at all (int() of a million digits is slow, and Python
# refuses more than 4,300): they are too large for any bound here.
MAX_DIGITS = 18


def _whole_number(value, low=None, high=None):
    """A whole number within the bounds, or None: ASCII digits only ("²" is not a number)."""
    text = cell_text(value)
    if not re.fullmatch(r"[0-9]+", text):
        return None
    number = int(text) if len(text) <= MAX_DIGITS else 10**MAX_DIGITS
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def _municipality_of(value, municipalities, problems):
    """The row's municipality by CBS code or name (whether the user may write it is the
    service's decision)."""
    name = str(value or "").strip()
    municipality = municipalities.get(name.upper()) or municipalities.get(name.lower())
    if municipality is None:
        problems.append(_("onbekende gemeente '%(value)s'") % {"value": shown(name)})
    return municipality


def _neighbourhoods(user):
    """Code (upper case) or name (lower case) with municipality -> the neighbourhood."""
    found = {}
    for n in Neighbourhood.objects.restrict(user):
        found[(n.municipality_id, n.code.upper())] = n
        found.setdefault((n.municipality_id, n.name.lower()), n)
    return found


def _neighbourhood_of(value, municipality, neighbourhoods, problems):
    """The row's neighbourhood (None when the cell is empty), or a problem named."""
    text = cell_text(value)
    if not text or municipality is None:
        return None
    found = neighbourhoods.get((municipality.pk, text.upper())) or neighbourhoods.get(
        (municipality.pk, text.lower())
    )
    if found is None:
        problems.append(
            _("wijk '%(value)s' ligt niet in %(municipality)s")
            % {"value": shown(text), "municipality": municipality}
        )
    return found


def parse_realisation(upload, *, user):
    """All rows of the file, or ImportRejected listing every error (with its row number).

    `user` scopes which municipalities and groups a name can refer to (what they may see);
    whether they may write them is checked by the service that writes.
    """
    return parse_realisation_table(read_realisation_table(upload), user=user)


def parse_realisation_table(table: Table, *, user):
    """The rows of a table already read; see `parse_realisation`."""
    header, body = [name.lower() for name in table.header], table.rows
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ImportRejected(
            [_("Rij 1: de kolom(men) %(columns)s ontbreken.") % {"columns": ", ".join(missing)}]
        )
    position = {column: header.index(column) for column in COLUMNS}
    if NEIGHBOURHOOD_COLUMN in header:
        position[NEIGHBOURHOOD_COLUMN] = header.index(NEIGHBOURHOOD_COLUMN)
    neighbourhoods = _neighbourhoods(user)
    municipalities = {m.cbs_code.upper(): m for m in Municipality.objects.restrict(user)}
    municipalities.update({m.name.lower(): m for m in municipalities.values()})
    groups = {g.code: g for g in TargetGroup.objects.restrict(user)}
    errors, rows, seen = [], [], {}
    for line, raw in body:
        cell = {c: (raw[i] if i < len(raw) else None) for c, i in position.items()}
        problems = []
        municipality = _municipality_of(cell["gemeente"], municipalities, problems)
        code = str(cell["aandachtsgroep"] or "").strip()
        group = groups.get(code)
        if group is None:
            problems.append(_("onbekende aandachtsgroep '%(value)s'") % {"value": shown(code)})
        try:
            year = years.parse_year(cell["jaar"], first=FIRST_YEAR, last=LAST_YEAR)
        except ValidationError as error:
            year = None
            problems.append(_("jaar: %(message)s") % {"message": error.messages[0].rstrip(".")})
        quarter = _whole_number(cell["kwartaal"], 1, 4)
        if quarter is None:
            problems.append(
                _("kwartaal '%(value)s' moet 1, 2, 3 of 4 zijn")
                % {"value": shown(cell["kwartaal"])}
            )
        placements = _whole_number(cell["plaatsingen"], 0)
        if placements is None:
            problems.append(
                _("plaatsingen '%(value)s' moet een geheel getal van 0 of meer zijn")
                % {"value": shown(cell["plaatsingen"])}
            )
        elif placements > MAX_PLACEMENTS:
            problems.append(
                _("plaatsingen %(value)s is te groot (ten hoogste %(max)s)")
                % {"value": shown(cell["plaatsingen"]), "max": MAX_PLACEMENTS}
            )
            placements = None
        neighbourhood = _neighbourhood_of(
            cell.get(NEIGHBOURHOOD_COLUMN), municipality, neighbourhoods, problems
        )
        if not problems:
            key = (municipality.pk, group.pk, year, quarter, neighbourhood)
            if key in seen:
                problems.append(_("dubbel met rij %(line)s") % {"line": seen[key]})
            seen[key] = line
        if problems:
            errors.append(
                _("Rij %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
        else:
            rows.append(
                RealisationRow(line, municipality, group, year, quarter, placements, neighbourhood)
            )
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([_("Het bestand bevat geen gegevensrijen.")])
    return rows
