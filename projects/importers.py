"""Project and older people's forecast uploads (CSV or XLSX): all or nothing, Dutch errors
with the row number as a spreadsheet counts it (the header is row 1)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gmr_thuis.permissions import can_write_municipality
from monitoring.importers import ImportRejected, _read_table, _whole_number
from municipalities.models import HousingCorporation, Municipality
from projects.models import Kind, OlderPeopleForecast, Phase, Project

__all__ = ["ImportRejected", "PROJECT_COLUMNS", "PROJECT_EXAMPLE", "import_projects"]

# column -> model field (numbers), in the template's order
PROJECT_COLUMNS = [
    "gemeente",
    "naam",
    "soort",
    "wijk_of_buurt",
    "totaal",
    "sociale_huur",
    "middenhuur",
    "koop",
    "nultreden",
    "geclusterd",
    "verpleegzorg",
    "fase",
    "planjaar",
    "verwacht_jaar",
    "opleverdatum",
    "corporatie",
    "ontwikkelaar",
]
PROJECT_EXAMPLE = [
    "GM0293",
    "Hof van Westervoort",
    "clustered_older",
    "WK029300",
    24,
    16,
    8,
    0,
    24,
    24,
    0,
    "plan",
    2025,
    2027,
    "",
    "Vivare",
    "",
]
NUMBER_FIELDS = {
    "totaal": "total_homes",
    "sociale_huur": "homes_social_rent",
    "middenhuur": "homes_mid_rent",
    "koop": "homes_owner_occupied",
    "nultreden": "homes_zero_step",
    "geclusterd": "homes_clustered",
    "verpleegzorg": "nursing_care_places",
}
OPTIONAL_NUMBERS = {"nultreden", "geclusterd", "verpleegzorg"}
FORECAST_COLUMNS = ["gemeente", "jaar", "inwoners", "inwoners_75plus", "inwoners_85plus", "bron"]


def _text(value):
    return str(value if value is not None else "").strip()


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _header_positions(header, columns, optional=()):
    missing = [c for c in columns if c not in header and c not in optional]
    if missing:
        raise ImportRejected(
            [_("Rij 1: de kolom(men) %(columns)s ontbreken.") % {"columns": ", ".join(missing)}]
        )
    return {c: header.index(c) for c in columns if c in header}


def _municipalities(user):
    found = {m.cbs_code.upper(): m for m in Municipality.objects.restrict(user)}
    found.update({m.name.lower(): m for m in list(found.values())})
    return found


def _parse_numbers(cell, values, problems):
    """The row's counts and years into `values`; what is not a number into `problems`."""
    for column, field in NUMBER_FIELDS.items():
        raw_value = cell.get(column)
        if column in OPTIONAL_NUMBERS and not _text(raw_value):
            values[field] = 0
            continue
        number = _whole_number(raw_value, 0)
        if number is None:
            problems.append(
                _("%(column)s '%(value)s' moet een geheel getal van 0 of meer zijn")
                % {"column": column, "value": _text(raw_value)}
            )
        values[field] = number
    for column, field in (("planjaar", "plan_year"), ("verwacht_jaar", "expected_year")):
        year = _whole_number(cell.get(column), 2000, 2060)
        if year is None:
            problems.append(
                _("%(column)s '%(value)s' is geen jaartal")
                % {"column": column, "value": _text(cell.get(column))}
            )
        values[field] = year


def parse_projects(upload, *, user):
    """Unsaved, validated projects, or ImportRejected listing every error with its row."""
    header, body = _read_table(upload)
    position = _header_positions(
        header,
        PROJECT_COLUMNS,
        optional={"wijk_of_buurt", "opleverdatum", "corporatie", "ontwikkelaar", *OPTIONAL_NUMBERS},
    )
    municipalities = _municipalities(user)
    corporations = {c.name.lower(): c for c in HousingCorporation.objects.all()}
    kinds, phases = {k.value for k in Kind}, {p.value for p in Phase}
    errors, projects = [], []
    for line, raw in body:
        cell = {c: (raw[i] if i < len(raw) else None) for c, i in position.items()}
        problems = []
        name = _text(cell.get("gemeente"))
        municipality = municipalities.get(name.upper()) or municipalities.get(name.lower())
        if municipality is None:
            problems.append(_("onbekende gemeente of CBS-code '%(value)s'") % {"value": name})
        elif not can_write_municipality(user, municipality.pk):
            problems.append(
                _("u mag de projecten van %(name)s niet wijzigen") % {"name": municipality}
            )
        values = {"name": _text(cell.get("naam")), "developer": _text(cell.get("ontwikkelaar"))}
        values["neighbourhood_code"] = _text(cell.get("wijk_of_buurt")).upper()
        kind = _text(cell.get("soort"))
        if kind not in kinds:
            problems.append(_("onbekende soort '%(value)s'") % {"value": kind})
        values["kind"] = kind
        phase = _text(cell.get("fase"))
        if phase not in phases:
            problems.append(_("onbekende fase '%(value)s'") % {"value": phase})
        values["phase"] = phase
        _parse_numbers(cell, values, problems)
        try:
            values["delivered_date"] = _date(cell.get("opleverdatum"))
        except ValueError:
            problems.append(
                _("opleverdatum '%(value)s' is geen datum (jjjj-mm-dd)")
                % {"value": _text(cell.get("opleverdatum"))}
            )
        corporation_name = _text(cell.get("corporatie"))
        values["corporation"] = (
            corporations.get(corporation_name.lower()) if corporation_name else None
        )
        if corporation_name and values["corporation"] is None:
            problems.append(
                _("onbekende woningcorporatie '%(value)s'") % {"value": corporation_name}
            )
        if not problems:
            project = Project(municipality=municipality, **values)
            try:
                project.full_clean()
            except ValidationError as exc:
                problems.extend(
                    m.rstrip(".") for messages in exc.message_dict.values() for m in messages
                )
            else:
                projects.append(project)
        if problems:
            errors.append(
                _("Rij %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
    if errors:
        raise ImportRejected(errors)
    if not projects:
        raise ImportRejected([_("Het bestand bevat geen gegevensrijen.")])
    return projects


def import_projects(upload, *, user) -> list[Project]:
    """Every row saved as a project, or none (ImportRejected)."""
    from projects.services import project_create

    parsed = parse_projects(upload, user=user)
    field_names = [f.name for f in Project._meta.concrete_fields if f.editable]
    with transaction.atomic():
        return [
            project_create(
                user=user,
                municipality=project.municipality,
                values={
                    name: getattr(project, name)
                    for name in field_names
                    if name not in ("id", "municipality")
                },
            )
            for project in parsed
        ]


def parse_forecast(upload, *, municipalities):
    """Forecast rows (unsaved) of the official regional forecast, or ImportRejected."""
    header, body = _read_table(upload)
    position = _header_positions(header, FORECAST_COLUMNS, optional={"bron"})
    known = {m.cbs_code.upper(): m for m in municipalities}
    known.update({m.name.lower(): m for m in municipalities})
    errors, rows, seen = [], [], {}
    for line, raw in body:
        cell = {c: (raw[i] if i < len(raw) else None) for c, i in position.items()}
        problems = []
        name = _text(cell.get("gemeente"))
        municipality = known.get(name.upper()) or known.get(name.lower())
        if municipality is None:
            problems.append(_("onbekende gemeente of CBS-code '%(value)s'") % {"value": name})
        year = _whole_number(cell.get("jaar"), 2000, 2060)
        if year is None:
            problems.append(
                _("jaar '%(value)s' is geen jaartal") % {"value": _text(cell.get("jaar"))}
            )
        numbers = {}
        for column in ("inwoners", "inwoners_75plus", "inwoners_85plus"):
            numbers[column] = _whole_number(cell.get(column), 0)
            if numbers[column] is None:
                problems.append(
                    _("%(column)s '%(value)s' moet een geheel getal van 0 of meer zijn")
                    % {"column": column, "value": _text(cell.get(column))}
                )
        if not problems:
            if numbers["inwoners_75plus"] > numbers["inwoners"]:
                problems.append(
                    _("%(old)s inwoners van 75+ is meer dan het totaal van %(all)s inwoners")
                    % {"old": numbers["inwoners_75plus"], "all": numbers["inwoners"]}
                )
            if numbers["inwoners_85plus"] > numbers["inwoners_75plus"]:
                problems.append(
                    _("%(old)s inwoners van 85+ is meer dan de %(younger)s van 75+")
                    % {"old": numbers["inwoners_85plus"], "younger": numbers["inwoners_75plus"]}
                )
            key = (municipality.pk, year)
            if key in seen:
                problems.append(_("dubbel met rij %(line)s") % {"line": seen[key]})
            seen[key] = line
        if problems:
            errors.append(
                _("Rij %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
        else:
            rows.append(
                OlderPeopleForecast(
                    municipality=municipality,
                    year=year,
                    population=numbers["inwoners"],
                    aged_75_plus=numbers["inwoners_75plus"],
                    aged_85_plus=numbers["inwoners_85plus"],
                    source=_text(cell.get("bron")) or _("officiële regionale prognose (import)"),
                    is_estimate=False,
                )
            )
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([_("Het bestand bevat geen gegevensrijen.")])
    return rows


@transaction.atomic
def import_forecast(upload, *, municipalities) -> int:
    """Replace the forecast of the rows' municipality-years; all or nothing."""
    rows = parse_forecast(upload, municipalities=municipalities)
    for row in rows:
        OlderPeopleForecast.objects.update_or_create(
            municipality=row.municipality,
            year=row.year,
            defaults={
                "population": row.population,
                "aged_75_plus": row.aged_75_plus,
                "aged_85_plus": row.aged_85_plus,
                "source": row.source,
                "is_estimate": row.is_estimate,
            },
        )
    return len(rows)
