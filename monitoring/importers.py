"""Realisation upload (CSV or XLSX) with Dutch errors per row, its template, and table export."""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from gmr_thuis.permissions import CHANGE
from municipalities.models import Municipality, Neighbourhood, TargetGroup

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


def _read_table(upload):
    """The header and the data rows (with their row number as the user sees it) of a file."""
    name = upload.name.lower()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(upload, read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise ImportRejected([_("Het bestand is geen leesbaar Excel-bestand.")]) from exc
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRejected([_("Het CSV-bestand is niet in UTF-8 opgeslagen.")]) from exc
        # Dutch Excel writes ";", most other tools ","; the header line tells which.
        first = text.partition("\n")[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    else:
        raise ImportRejected([_("Upload een .csv- of .xlsx-bestand.")])
    if not rows:
        raise ImportRejected([_("Het bestand is leeg.")])
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    body = [
        (number, row)
        for number, row in enumerate(rows[1:], start=2)
        if any(str(cell if cell is not None else "").strip() for cell in row)
    ]
    return header, body


def _whole_number(value, low=None, high=None):
    text = str(value if value is not None else "").strip()
    if text.endswith(".0"):  # Excel hands integers over as floats
        text = text[:-2]
    if not text.isdigit():
        return None
    number = int(text)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def _municipality_of(value, municipalities, writable, problems):
    """The row's municipality by CBS code or name, if the user may write it."""
    name = str(value or "").strip()
    municipality = municipalities.get(name.upper()) or municipalities.get(name.lower())
    if municipality is None:
        problems.append(_("onbekende gemeente '%(value)s'") % {"value": name})
    elif municipality.pk not in writable:
        problems.append(_("u mag de gegevens van %(name)s niet wijzigen") % {"name": municipality})
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
    text = str(value if value is not None else "").strip()
    if not text or municipality is None:
        return None
    found = neighbourhoods.get((municipality.pk, text.upper())) or neighbourhoods.get(
        (municipality.pk, text.lower())
    )
    if found is None:
        problems.append(
            _("wijk '%(value)s' ligt niet in %(municipality)s")
            % {"value": text, "municipality": municipality}
        )
    return found


def parse_realisation(upload, *, user):
    """All rows of the file, or ImportRejected listing every error (with its row number)."""
    header, body = _read_table(upload)
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
    writable = set(Municipality.objects.restrict(user, CHANGE).values_list("pk", flat=True))
    groups = {g.code: g for g in TargetGroup.objects.restrict(user)}
    errors, rows, seen = [], [], {}
    for line, raw in body:
        cell = {c: (raw[i] if i < len(raw) else None) for c, i in position.items()}
        problems = []
        municipality = _municipality_of(cell["gemeente"], municipalities, writable, problems)
        code = str(cell["aandachtsgroep"] or "").strip()
        group = groups.get(code)
        if group is None:
            problems.append(_("onbekende aandachtsgroep '%(value)s'") % {"value": code})
        year = _whole_number(cell["jaar"], 2020, 2040)
        if year is None:
            problems.append(_("jaar '%(value)s' is geen jaartal") % {"value": cell["jaar"]})
        quarter = _whole_number(cell["kwartaal"], 1, 4)
        if quarter is None:
            problems.append(
                _("kwartaal '%(value)s' moet 1, 2, 3 of 4 zijn") % {"value": cell["kwartaal"]}
            )
        placements = _whole_number(cell["plaatsingen"], 0)
        if placements is None:
            problems.append(
                _("plaatsingen '%(value)s' moet een geheel getal van 0 of meer zijn")
                % {"value": cell["plaatsingen"]}
            )
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
