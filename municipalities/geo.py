"""Real municipal boundaries from CBS/Kadaster's TopoJSON, decoded once, served per region.

Pure Python (no Django, no Plotly): the maps of every app draw from these GeoJSON features.
The file is `fixtures/geo/nl_gemeenten_2024.topojson`, a byte-for-byte copy of the shared
reference file (342 municipalities of 1 January 2024, WGS84, generalised; CC BY 4.0).
"""

import json
from functools import lru_cache
from pathlib import Path

BOUNDARIES_PATH = Path(__file__).resolve().parent.parent / "fixtures/geo/nl_gemeenten_2024.topojson"
BOUNDARIES_OBJECT = "gemeente_2024"
# Shown under every map drawn from these boundaries, as the licence asks.
ATTRIBUTION = (
    "Gemeentegrenzen 2024: CBS / Kadaster (via PDOK), vereenvoudigd door cartomap/nl, CC BY 4.0"
)


class MissingGeometry(LookupError):
    """Municipalities asked for that the boundary file does not hold."""

    def __init__(self, codes):
        self.codes = sorted(codes)
        super().__init__(f"Geen gemeentegrens voor: {', '.join(self.codes)}")


class InvalidGeometry(ValueError):
    """A boundary file that cannot be drawn: open rings, unknown codes, malformed JSON."""


def _decode_arcs(topology):
    """Absolute lon/lat points of every arc (TopoJSON arcs are delta-encoded when quantised)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def _ring(arcs, indexes):
    """One closed ring from arc indexes; a negative index ~i means arc i reversed."""
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point: keep it once.
        points.extend(arc if not points else arc[1:])
    return [list(point) for point in points]


def _geometry(arcs, geometry):
    kind = geometry["type"]
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": [_ring(arcs, r) for r in geometry["arcs"]]}
    if kind == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[_ring(arcs, r) for r in polygon] for polygon in geometry["arcs"]],
        }
    raise InvalidGeometry(f"Geometrie van type {kind} wordt niet ondersteund.")


def topology_features(topology, object_name=None, *, code_property="statcode"):
    """GeoJSON features of a TopoJSON topology, keyed and identified by their CBS code."""
    try:
        objects = topology["objects"]
        name = object_name or next(iter(objects))
        geometries = objects[name]["geometries"]
        arcs = _decode_arcs(topology)
    except (KeyError, TypeError, StopIteration, ValueError) as error:
        raise InvalidGeometry(f"Geen geldige TopoJSON: {error}") from error
    features = {}
    for geometry in geometries:
        properties = geometry.get("properties") or {}
        code = properties.get(code_property) or geometry.get("id")
        if not code:
            raise InvalidGeometry("Een vlak in het bestand heeft geen CBS-code.")
        features[code] = {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": properties.get("statnaam", code)},
            "geometry": _geometry(arcs, geometry),
        }
    return features


def rings(geometry):
    """Every outer and inner ring of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def open_rings(geometry):
    """How many rings do not end where they start (or have fewer than four points)."""
    return sum(1 for ring in rings(geometry) if len(ring) < 4 or list(ring[0]) != list(ring[-1]))


@lru_cache(maxsize=1)
def municipality_features():
    """All 342 municipalities' features, decoded once per process."""
    with BOUNDARIES_PATH.open(encoding="utf-8") as handle:
        return topology_features(json.load(handle), BOUNDARIES_OBJECT)


def region_features(codes):
    """The features of just these municipalities, in the order given; never the whole country."""
    features = municipality_features()
    missing = set(codes) - set(features)
    if missing:
        raise MissingGeometry(missing)
    return [features[code] for code in codes]


def bounds(features):
    """(min lon, min lat, max lon, max lat) around the features."""
    points = [p for feature in features for ring in rings(feature["geometry"]) for p in ring]
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)
