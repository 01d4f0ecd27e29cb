"""Readers of neighbourhood files: CBS Kerncijfers wijken en buurten, a liveability CSV and a
district boundary file (GeoJSON or TopoJSON). Pure: text in, rows and Dutch errors out."""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from municipalities.geo import InvalidGeometry, open_rings, topology_features
from municipalities.importers import HEADER_ROW, parse_number, row_error
from municipalities.models import NeighbourhoodIndicator as NI

# CBS numbers the columns of each edition (AantalInwoners_5 in one year, _6 in the next): a
# column is recognised by its name without the `_<number>` suffix.
CBS_SUFFIX = re.compile(r"_\d+$")
CBS_MISSING = {"", "."}
CBS_CODE = "Codering"  # WK020201, BU02020101 (GM... and NL... rows are passed over)
CBS_KIND = "SoortRegio"  # Gemeente, Wijk, Buurt
CBS_NAME = "WijkenEnBuurten"  # the name in a labelled export; the code in a typed one
CBS_MUNICIPALITY = "Gemeentenaam"
CBS_INHABITANTS = "AantalInwoners"
CBS_DWELLINGS = "Woningvoorraad"
# Percentage of the dwelling stock owned by housing corporations: social-rent dwellings are
# derived as Woningvoorraad × InBezitWoningcorporatie / 100.
CBS_CORPORATION_SHARE = "InBezitWoningcorporatie"
CBS_REQUIRED = (CBS_CODE, CBS_KIND, CBS_INHABITANTS, CBS_DWELLINGS)
CBS_KINDS = {"wijk": "wijk", "buurt": "buurt"}

LIVEABILITY_CODE = ("code", "wijkcode", "buurtcode")
LIVEABILITY_REQUIRED = ("jaar", "klasse")
YES = {"1", "ja", "j", "yes", "true"}
NO = {"0", "nee", "n", "no", "false", ""}

# Where a GeoJSON feature keeps its CBS code (CBS/PDOK's wijk- en buurtkaart: statcode,
# wijkcode or buurtcode).
CODE_PROPERTIES = ("statcode", "wijkcode", "buurtcode", "code")


@dataclass
class NeighbourhoodRow:
    row: int
    code: str
    kind: str = ""
    name: str = ""
    municipality_name: str = ""
    year: int | None = None
    source: str = ""
    figures: dict = field(default_factory=dict)  # indicator -> Decimal


@dataclass
class ParsedRows:
    rows: list
    errors: list
    skipped: int = 0


def _table(text):
    """The header (stripped) and a DictReader over `;`- or `,`-separated text."""
    first = text.partition("\n")[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
    return reader


def _cbs_columns(header):
    """Our name -> the file's column, for the Kerncijfers columns this import reads."""
    wanted = {
        CBS_CODE,
        CBS_KIND,
        CBS_NAME,
        CBS_MUNICIPALITY,
        CBS_INHABITANTS,
        CBS_DWELLINGS,
        CBS_CORPORATION_SHARE,
    }
    return {
        CBS_SUFFIX.sub("", column): column
        for column in header
        if CBS_SUFFIX.sub("", column) in wanted
    }


def _missing_columns(columns, required):
    return [
        row_error(HEADER_ROW, _("de kolom '%(column)s' ontbreekt.") % {"column": name})
        for name in required
        if name not in columns
    ]


def _cbs_value(record, columns, name, *, row, errors, required):
    """The number in a Kerncijfers column; `.` (CBS: not known or secret) is None, or an error
    when the column is required."""
    if name not in columns:
        return None
    cell = (record.get(columns[name]) or "").strip()
    if cell in CBS_MISSING:
        if required:
            errors.append(
                row_error(
                    row,
                    _("kolom '%(column)s' is leeg ('%(text)s') maar is verplicht.")
                    % {"column": columns[name], "text": cell},
                )
            )
        return None
    return parse_number(cell, row=row, column=columns[name], errors=errors)


def _cbs_row(record, columns, row, errors):
    code = (record.get(columns[CBS_CODE]) or "").strip()
    kind = CBS_KINDS.get((record.get(columns[CBS_KIND]) or "").strip().lower())
    if kind is None:
        return None  # the country, the municipality rows: not a neighbourhood
    name = (record.get(columns.get(CBS_NAME, ""), "") or "").strip()
    result = NeighbourhoodRow(
        row=row,
        code=code,
        kind=kind,
        name="" if name == code else name,
        municipality_name=(record.get(columns.get(CBS_MUNICIPALITY, ""), "") or "").strip(),
    )
    inhabitants = _cbs_value(
        record, columns, CBS_INHABITANTS, row=row, errors=errors, required=True
    )
    dwellings = _cbs_value(record, columns, CBS_DWELLINGS, row=row, errors=errors, required=True)
    share = _cbs_value(
        record, columns, CBS_CORPORATION_SHARE, row=row, errors=errors, required=False
    )
    if inhabitants is not None:
        result.figures[NI.INHABITANTS] = inhabitants
    if dwellings is not None:
        result.figures[NI.DWELLINGS] = dwellings
        if share is not None:
            result.figures[NI.SOCIAL_RENT] = (dwellings * share / 100).quantize(Decimal(1))
    return result


def parse_kerncijfers(text):
    """Rows of a CBS Kerncijfers wijken en buurten CSV (semicolons, `.` for missing)."""
    reader = _table(text)
    columns = _cbs_columns(reader.fieldnames)
    errors = _missing_columns(columns, CBS_REQUIRED)
    if errors:
        return ParsedRows(rows=[], errors=errors)
    rows, skipped = [], 0
    for number, record in enumerate(reader, start=HEADER_ROW + 1):
        parsed = _cbs_row(record, columns, number, errors)
        if parsed is None:
            skipped += 1
        else:
            rows.append(parsed)
    return ParsedRows(rows=rows, errors=errors, skipped=skipped)


def _flag(text, *, row, errors):
    value = (text or "").strip().lower()
    if value in YES:
        return Decimal(1)
    if value in NO:
        return Decimal(0)
    errors.append(row_error(row, _("focusgebied '%(text)s' is geen ja of nee.") % {"text": text}))
    return None


def _liveability_row(record, code_column, number, errors):
    result = NeighbourhoodRow(
        row=number,
        code=(record.get(code_column) or "").strip(),
        source=(record.get("bron") or "").strip(),
    )
    year = (record.get("jaar") or "").strip()
    if re.fullmatch(r"\d{4}", year):
        result.year = int(year)
    else:
        errors.append(row_error(number, _("jaar '%(text)s' is geen jaartal.") % {"text": year}))
    cell = (record.get("klasse") or "").strip()
    if cell in CBS_MISSING:
        errors.append(row_error(number, _("kolom 'klasse' is leeg maar is verplicht.")))
    else:
        value = parse_number(cell, row=number, column="klasse", errors=errors)
        if value is not None:
            result.figures[NI.LIVEABILITY] = value
    if "focusgebied" in record:
        flag = _flag(record["focusgebied"], row=number, errors=errors)
        if flag is not None:
            result.figures[NI.FOCUS_AREA] = flag
    return result


def parse_liveability(text):
    """Rows of a liveability CSV: code (or wijkcode/buurtcode), jaar, klasse (Leefbaarometer
    1–9), optional focusgebied (ja/nee) and bron."""
    reader = _table(text)
    header = [name.lower() for name in reader.fieldnames]
    reader.fieldnames = header
    code_column = next((c for c in LIVEABILITY_CODE if c in header), None)
    errors = [] if code_column else [row_error(HEADER_ROW, _("de kolom 'code' ontbreekt."))]
    errors += _missing_columns(header, LIVEABILITY_REQUIRED)
    if errors:
        return ParsedRows(rows=[], errors=errors)
    rows = [
        _liveability_row(record, code_column, number, errors)
        for number, record in enumerate(reader, start=HEADER_ROW + 1)
    ]
    return ParsedRows(rows=rows, errors=errors)


def _feature_code(feature):
    properties = feature.get("properties") or {}
    code = next((properties[p] for p in CODE_PROPERTIES if properties.get(p)), None)
    return str(code or feature.get("id") or "").strip()


def _geojson_features(data):
    if data.get("type") == "FeatureCollection":
        features = data.get("features")
    elif data.get("type") == "Feature":
        features = [data]
    else:
        features = None
    if not isinstance(features, list):
        raise InvalidGeometry(_("Het bestand is geen GeoJSON FeatureCollection of TopoJSON."))
    return features


def _topojson_features(data):
    """Decode a topology, its codes read from the same properties as GeoJSON's."""
    objects = data.get("objects") or {}
    for layer in objects.values():
        for geometry in (layer or {}).get("geometries", []):
            geometry.setdefault("properties", {})["statcode"] = _feature_code(geometry)
    return list(topology_features(data).values())


def parse_boundaries(text):
    """GeoJSON features ({type, id, properties: {code, name}, geometry}) of a GeoJSON or
    TopoJSON file; raises InvalidGeometry (Dutch) on malformed JSON, geometry or open rings."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidGeometry(
            _("Het bestand is geen geldige JSON: %(error)s") % {"error": error}
        ) from error
    if not isinstance(data, dict):
        raise InvalidGeometry(_("Het bestand is geen GeoJSON FeatureCollection of TopoJSON."))
    raw = _topojson_features(data) if data.get("type") == "Topology" else _geojson_features(data)
    features, errors = [], []
    for number, feature in enumerate(raw, start=1):
        feature_errors = _feature_errors(feature, number)
        errors.extend(feature_errors)
        if not feature_errors:
            features.append(_normalised(feature))
    if errors:
        raise InvalidGeometry("\n".join(errors))
    if not features:
        raise InvalidGeometry(_("Het bestand bevat geen vlakken."))
    return features


def _feature_errors(feature, number):
    code = _feature_code(feature)
    label = code or _("vlak %(number)s") % {"number": number}
    geometry = feature.get("geometry") or {}
    if not code:
        return [_("Vlak %(number)s heeft geen CBS-code (statcode).") % {"number": number}]
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return [_("%(label)s is geen vlak (Polygon of MultiPolygon).") % {"label": label}]
    try:
        count = open_rings(geometry)
    except (KeyError, TypeError, IndexError):
        return [_("%(label)s heeft een onleesbare geometrie.") % {"label": label}]
    if count:
        return [
            _("%(label)s heeft %(count)s niet-gesloten ring(en).")
            % {"label": label, "count": count}
        ]
    return []


def _normalised(feature):
    code = _feature_code(feature)
    properties = feature.get("properties") or {}
    name = (
        properties.get("statnaam") or properties.get("wijknaam") or properties.get("name") or code
    )
    return {
        "type": "Feature",
        "id": code,
        "properties": {"code": code, "name": name},
        "geometry": feature["geometry"],
    }
