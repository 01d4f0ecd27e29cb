"""The boundary file decodes to closed rings, and a region gets exactly its own municipalities."""

import json
import math

import plotly.io as pio
import pytest

from municipalities import geo, maps

GMR_CODES = [
    "GM0202", "GM1945", "GM0209", "GM0221", "GM0225", "GM0226", "GM0252", "GM1705", "GM1955",
    "GM0268", "GM1734", "GM0274", "GM0275", "GM0277", "GM0293", "GM0296", "GM0299",
]  # fmt: skip


def test_all_342_municipalities_decode_to_closed_rings_inside_the_netherlands():
    features = geo.municipality_features()
    assert len(features) == 342
    for feature in features.values():
        assert geo.open_rings(feature["geometry"]) == 0
    min_lon, min_lat, max_lon, max_lat = geo.bounds(list(features.values()))
    assert 3.3 < min_lon < max_lon < 7.3
    assert 50.7 < min_lat < max_lat < 53.6


def test_region_features_are_the_asked_codes_in_order_with_their_names():
    features = geo.region_features(GMR_CODES)
    assert [f["id"] for f in features] == GMR_CODES
    assert features[14]["properties"]["name"] == "Westervoort"
    # Westervoort lies east of Arnhem, at about 5.97 E, 51.96 N.
    min_lon, min_lat, max_lon, max_lat = geo.bounds([features[14]])
    assert 5.9 < min_lon < max_lon < 6.05
    assert 51.9 < min_lat < max_lat < 52.0


def test_a_municipality_without_geometry_is_named():
    with pytest.raises(geo.MissingGeometry) as error:
        geo.region_features(["GM0293", "GM8888"])
    assert error.value.codes == ["GM8888"]


def test_an_open_ring_is_detected():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
    assert geo.open_rings(square) == 1
    square["coordinates"][0].append([0, 0])
    assert geo.open_rings(square) == 0


def test_choropleth_draws_one_shape_per_municipality_with_the_attribution():
    features = geo.region_features(GMR_CODES)
    values = {code: float(i) for i, code in enumerate(GMR_CODES)}
    values["GM0277"] = None
    figure = maps.choropleth(
        features,
        values,
        hover={c: c for c in GMR_CODES},
        colorbar_title="x",
        bubbles={"GM0202": 10, "GM0268": 20},
    )
    shapes = [t for t in figure.data if t.fill == "toself"]
    assert len(shapes) == 17
    rozendaal = next(t for t in shapes if t.name == "Rozendaal")
    assert rozendaal.fillcolor == maps.NO_DATA_COLOUR
    points = figure.data[-1]
    assert len(points.x) == 17 and list(points.marker.size).count(0) == 15  # two bubbles
    assert geo.ATTRIBUTION in figure.layout.annotations[0].text


def test_the_loaded_region_is_drawn_with_exactly_its_own_17_boundaries(gmr_data):
    """Joined on the CBS code of the data set: fails as soon as a municipality of the region
    has no geometry (MissingGeometry) or a shape is drawn that is not the region's."""
    from municipalities.models import Municipality

    region = Municipality.objects.filter(region__slug="gmr").order_by("cbs_code")
    names = dict(region.values_list("cbs_code", "name"))
    assert len(names) == 17
    features = geo.region_features(list(names))
    figure = maps.choropleth(
        features, {code: 1.0 for code in names}, hover=names, colorbar_title="x"
    )
    shapes = [t for t in figure.data if t.fill == "toself"]
    assert sorted(t.name for t in shapes) == sorted(names.values())
    assert [f["id"] for f in features] == list(names)


def test_the_figure_dict_of_all_342_municipalities_is_the_validated_figure():
    """The map of a large region is drawn from the dict as it is, without Plotly validating it:
    validated, the country's real boundaries with every option give the very same figure."""
    features = list(geo.municipality_features().values())
    codes = [feature["id"] for feature in features]
    values = {code: (i % 23) / 10 for i, code in enumerate(codes)}
    values[codes[0]], values[codes[1]] = None, math.nan  # grey: no data
    options = {
        "hover": {code: f"{code}: <b>" for code in codes},
        "colorbar_title": "aanbod / opgave",
        "colorscale": maps.SUPPLY_SCALE,
        "cmin": 0.0,
        "cmax": 2.0,
        "bubbles": {code: float(i) for i, code in enumerate(codes)},
        "bubble_title": "fair share",
        "links": {code: f"/gemeente/{code}/" for code in codes},
    }
    spec = maps.choropleth_spec(features, values, **options)
    validated = maps.choropleth(features, values, **options)
    assert json.loads(pio.to_json(spec, validate=False)) == json.loads(validated.to_json())
    shapes = [trace for trace in validated.data if trace.fill == "toself"]
    assert len(shapes) == 342
    assert shapes[0].fillcolor == shapes[1].fillcolor == maps.NO_DATA_COLOUR
