"""Project upload (CSV or XLSX): every row checked like a saved project, Dutch errors with the
row number, nothing written unless every row is right; and its template.

The file is read by `gmr_thuis.tabular`, the reader of every import (size and row limits,
delimiter and encoding sniffed, Excel streamed).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gmr_thuis.permissions import CHANGE
from gmr_thuis.tabular import read_table
from monitoring.importers import ImportRejected, _whole_number
from municipalities.models import HousingCorporation, Municipality
from projects.models import (
    SEGMENTS,
    SUITABILITIES,
    OlderPopulationForecast,
    Phase,
    Project,
    ProjectKind,
)


def _read_table(upload):
    """The lower-cased header and the (row number, cells) rows, or ImportRejected."""
    try:
        table = read_table(upload)
    except ValidationError as error:
        raise ImportRejected(error.messages) from error
    return [name.lower() for name in table.header], table.rows


# Column -> Project field, in the template's order.
COLUMNS = {
    "gemeente": "municipality",
    "buurtcode": "neighbourhood_code",
    "naam": "name",
    "soort": "kind",
    "woningen_totaal": "homes_total",
    "sociale_huur": "social_rent",
    "middenhuur": "mid_rent",
    "koop": "owner_occupied",
    "nultreden": "zero_step",
    "geclusterd": "clustered",
    "verpleegzorg": "nursing_care",
    "fase": "phase",
    "datum_fase": "phase_date",
    "planjaar": "plan_year",
    "opleverjaar": "expected_delivery_year",
    "corporatie": "corporation",
    "ontwikkelaar": "developer",
}
REQUIRED = ("gemeente", "naam", "soort", "woningen_totaal", "fase", "planjaar", "opleverjaar")
HOMES = ("homes_total", *SEGMENTS, *SUITABILITIES)
EXAMPLE_ROW = [
    "GM0293", "BU02930101", "Hof van Westervoort", "clustered_older", 30, 20, 6, 4, 10, 20, 0,
    "plan", "2025-06-01", 2025, 2027, "vivare", "",
]  # fmt: skip


@dataclass(frozen=True)
class ProjectRow:
    line: int
    municipality: Municipality
    values: dict
    phase: tuple


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value in (None, ""):
        return value or None
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Lookups:
    """What a row may name: the user's writable municipalities, kinds, phases, corporations."""

    def __init__(self, user):
        self.municipalities = {m.cbs_code.upper(): m for m in Municipality.objects.restrict(user)}
        self.writable = set(
            Municipality.objects.restrict(user, CHANGE).values_list("pk", flat=True)
        )
        self.corporations = {c.slug: c for c in HousingCorporation.objects.all()}
        self.corporations.update({c.name.lower(): c for c in self.corporations.values()})
        self.existing = set(Project.objects.values_list("municipality_id", "name"))


def _municipality(cell, lookups, problems):
    code = str(cell.get("gemeente") or "").strip().upper()
    municipality = lookups.municipalities.get(code)
    if municipality is None:
        problems.append(_("onbekende CBS-code '%(value)s'") % {"value": code})
    elif municipality.pk not in lookups.writable:
        problems.append(_("u mag de projecten van %(name)s niet wijzigen") % {"name": municipality})
    return municipality


def _values(cell, lookups, problems):
    values = {"neighbourhood_code": str(cell.get("buurtcode") or "").strip()}
    values["name"] = str(cell.get("naam") or "").strip()
    values["developer"] = str(cell.get("ontwikkelaar") or "").strip()
    kind = str(cell.get("soort") or "").strip()
    if kind not in ProjectKind.values:
        problems.append(_("onbekende soort '%(value)s'") % {"value": kind})
    values["kind"] = kind
    for column, name in COLUMNS.items():
        if name in HOMES or name in ("plan_year", "expected_delivery_year"):
            raw = cell.get(column)
            text = str(raw if raw is not None else "").strip()
            number = _whole_number(text.lstrip("-")) if text else 0
            if number is None or (not text and column in REQUIRED):
                problems.append(
                    _("%(column)s '%(value)s' is geen getal") % {"column": column, "value": text}
                )
            values[name] = -number if number and text.startswith("-") else number
    corporation = str(cell.get("corporatie") or "").strip()
    values["corporation"] = lookups.corporations.get(corporation.lower()) if corporation else None
    if corporation and values["corporation"] is None:
        problems.append(_("onbekende corporatie '%(value)s'") % {"value": corporation})
    return values


def _phase(cell, problems):
    phase = str(cell.get("fase") or "").strip()
    if phase not in Phase.values:
        problems.append(_("onbekende fase '%(value)s'") % {"value": phase})
    try:
        on = _date(cell.get("datum_fase"))
    except ValueError:
        problems.append(_("datum_fase '%(value)s' is geen datum") % {"value": cell["datum_fase"]})
        on = None
    return phase, on


def _model_problems(municipality, values, phase):
    """The saved project's own rules (segments, years, delivery date), as the row's errors."""
    project = Project(municipality=municipality, **values, phase=phase[0], phase_date=phase[1])
    if phase[0] == Phase.DELIVERED:
        project.delivered_on = phase[1]
    try:
        project.full_clean(exclude=["municipality"])
    except ValidationError as exc:
        return [message for messages in exc.message_dict.values() for message in messages]
    return []


def _parse_row(line, cell, lookups, seen):
    problems = []
    municipality = _municipality(cell, lookups, problems)
    values = _values(cell, lookups, problems)
    phase = _phase(cell, problems)
    if problems:
        return None, problems
    key = (municipality.pk, values["name"])
    if key in lookups.existing:
        return None, [_("project '%(name)s' bestaat al") % {"name": values["name"]}]
    if key in seen:
        return None, [_("dubbel met rij %(line)s") % {"line": seen[key]}]
    seen[key] = line
    problems = _model_problems(municipality, values, phase)
    return (None if problems else ProjectRow(line, municipality, values, phase)), problems


def parse_projects(upload, *, user) -> list[ProjectRow]:
    """All rows of the file, or ImportRejected listing every error with its row number."""
    header, body = _read_table(upload)
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportRejected(
            [_("Rij 1: de kolom(men) %(columns)s ontbreken.") % {"columns": ", ".join(missing)}]
        )
    position = {column: header.index(column) for column in COLUMNS if column in header}
    lookups, seen, errors, rows = _Lookups(user), {}, [], []
    for line, raw in body:
        cell = {c: (raw[i] if i < len(raw) else None) for c, i in position.items()}
        row, problems = _parse_row(line, cell, lookups, seen)
        if problems:
            errors.append(
                _("Rij %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
        else:
            rows.append(row)
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([_("Het bestand bevat geen gegevensrijen.")])
    return rows


# --- the forecast of inhabitants aged 75+ and 85+ ---------------------------------------------

FORECAST_COLUMNS = ["gemeente", "jaar", "inwoners", "inwoners_75plus", "inwoners_85plus", "bron"]
FORECAST_EXAMPLE_ROW = ["GM0293", 2030, 15200, 1480, 340, "Primos-prognose 2024"]
_FORECAST_FIELDS = {
    "inwoners": "inhabitants",
    "inwoners_75plus": "aged_75_plus",
    "inwoners_85plus": "aged_85_plus",
}


@dataclass(frozen=True)
class ForecastRow:
    line: int
    municipality: Municipality
    year: int
    values: dict


def _forecast_row(line, cell, lookups, seen):
    problems = []
    municipality = _municipality(cell, lookups, problems)
    year = _whole_number(cell.get("jaar"), 2000, 2060)
    if year is None:
        problems.append(_("jaar '%(value)s' is geen jaartal") % {"value": cell.get("jaar")})
    values = {"source": str(cell.get("bron") or "").strip(), "is_estimate": False}
    if not values["source"]:
        problems.append(_("de bron ontbreekt"))
    for column, name in _FORECAST_FIELDS.items():
        values[name] = _whole_number(cell.get(column), 0)
        if values[name] is None:
            problems.append(
                _("%(column)s '%(value)s' is geen geheel getal van 0 of meer")
                % {"column": column, "value": cell.get(column)}
            )
    if problems:
        return None, problems
    key = (municipality.pk, year)
    if key in seen:
        return None, [_("dubbel met rij %(line)s") % {"line": seen[key]}]
    seen[key] = line
    try:
        OlderPopulationForecast(municipality=municipality, year=year, **values).full_clean(
            exclude=["municipality"], validate_unique=False
        )
    except ValidationError as exc:
        return None, [m for messages in exc.message_dict.values() for m in messages]
    return ForecastRow(line, municipality, year, values), []


def parse_older_population(upload, *, user) -> list[ForecastRow]:
    """All rows of a forecast file, or ImportRejected listing every error with its row."""
    header, body = _read_table(upload)
    missing = [column for column in FORECAST_COLUMNS if column not in header]
    if missing:
        raise ImportRejected(
            [_("Rij 1: de kolom(men) %(columns)s ontbreken.") % {"columns": ", ".join(missing)}]
        )
    position = {column: header.index(column) for column in FORECAST_COLUMNS}
    lookups, seen, errors, rows = _Lookups(user), {}, [], []
    for line, raw in body:
        cell = {c: (raw[i] if i < len(raw) else None) for c, i in position.items()}
        row, problems = _forecast_row(line, cell, lookups, seen)
        if problems:
            errors.append(
                _("Rij %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
        else:
            rows.append(row)
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([_("Het bestand bevat geen gegevensrijen.")])
    return rows
