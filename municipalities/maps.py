"""A choropleth of real boundaries drawn as filled shapes on plain axes.

Plotly's geo and map subplots fetch base layers (world topojson, tiles, glyphs) from the
internet; filled scatter shapes need nothing but plotly.js itself, so the map works offline and
in the smallest bundle. Longitude is scaled by the latitude's cosine so shapes keep their form.
"""

import math
from collections.abc import Mapping

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from municipalities.geo import ATTRIBUTION, bounds, rings

NO_DATA_COLOUR = "#D9DEE3"
OUTLINE_COLOUR = "#1F2A33"
# Red (too little) to green (enough) through a light middle; distinguishable in greyscale.
SUPPLY_SCALE = [[0.0, "#B2182B"], [0.5, "#F4E9C5"], [1.0, "#1B7837"]]
SEQUENTIAL_SCALE = [[0.0, "#F1F5F9"], [0.5, "#6BAED6"], [1.0, "#08306B"]]


def _xy(geometry):
    xs, ys = [], []
    for ring in rings(geometry):
        xs.extend(point[0] for point in ring)
        ys.extend(point[1] for point in ring)
        xs.append(None)  # a gap between rings, so islands and holes are drawn apart
        ys.append(None)
    return xs, ys


def _label_point(geometry):
    """The middle of the largest ring's bounding box: good enough for a label or a bubble."""
    largest = max(rings(geometry), key=len)
    lons = [p[0] for p in largest]
    lats = [p[1] for p in largest]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def choropleth(features, values: Mapping[str, float | None], **options) -> go.Figure:
    """`choropleth_spec` as a validated Plotly figure, for maps of a few dozen shapes."""
    return go.Figure(choropleth_spec(features, values, **options))


def choropleth_spec(
    features,
    values: Mapping[str, float | None],
    *,
    hover: Mapping[str, str],
    colorbar_title: str,
    colorscale=SEQUENTIAL_SCALE,
    cmin: float | None = None,
    cmax: float | None = None,
    bubbles: Mapping[str, float] | None = None,
    bubble_title: str = "",
    links: Mapping[str, str] | None = None,
    height: int = 560,
    attribution: str = ATTRIBUTION,
) -> dict:
    """One filled shape per feature, coloured by `values[code]` (grey where None), and a point at
    each shape's middle that links to `links[code]`: a bubble (area = `bubbles[code]`) or a dot.

    A plain Plotly figure dict, which the chart layer serialises as it is: a region of hundreds
    of municipalities is hundreds of traces, and Plotly's figure objects validate and copy every
    coordinate of each (about a second for the whole country). `choropleth` validates the same
    dict, and a test holds it equal to the figure on the country's real boundaries."""
    known = [v for v in values.values() if v is not None and math.isfinite(v)]
    low = cmin if cmin is not None else (min(known) if known else 0.0)
    high = cmax if cmax is not None else (max(known) if known else 1.0)
    span = (high - low) or 1.0
    coloured = {
        code: min(max((value - low) / span, 0.0), 1.0)
        for code, value in values.items()
        if value is not None and math.isfinite(value)
    }
    # One call for all shapes: sampling validates the scale each time it is called.
    colours = dict(
        zip(coloured, sample_colorscale(colorscale, list(coloured.values())), strict=True)
    )
    data = []
    for feature in features:
        code = feature["id"]
        colour = colours.get(code, NO_DATA_COLOUR)
        xs, ys = _xy(feature["geometry"])
        data.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "fill": "toself",
                "fillcolor": colour,
                "line": {"color": OUTLINE_COLOUR, "width": 0.8},
                "name": feature["properties"]["name"],
                "hoveron": "fills",
                "text": hover.get(code, feature["properties"]["name"]),
                "hoverinfo": "text",
                "showlegend": False,
            }
        )
    # The colour bar: one invisible marker carrying the scale.
    data.append(
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "marker": {
                "color": [low],
                "cmin": low,
                "cmax": high,
                "colorscale": colorscale,
                "showscale": True,
                "colorbar": {"title": {"text": colorbar_title}},
            },
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    # A point per municipality at its shape's middle: the click target (customdata = its page),
    # sized by `bubbles` when given (area = value), else a small dot.
    points = [_label_point(f["geometry"]) for f in features]
    sizes = [float((bubbles or {}).get(f["id"]) or 0) for f in features]
    largest = max(sizes + [1.0])
    data.append(
        {
            "type": "scatter",
            "x": [p[0] for p in points],
            "y": [p[1] for p in points],
            "mode": "markers",
            "name": bubble_title,
            "customdata": [[(links or {}).get(f["id"], "")] for f in features],
            "marker": {
                "size": sizes if bubbles else 7,
                "sizemode": "area",
                "sizeref": 2.0 * largest / (50.0**2),
                "sizemin": 5,
                "color": "rgba(255,255,255,0.35)" if bubbles else OUTLINE_COLOUR,
                "line": {"color": OUTLINE_COLOUR, "width": 1.5},
            },
            "text": [hover.get(f["id"], f["properties"]["name"]) for f in features],
            "hoverinfo": "text",
            "showlegend": bool(bubbles and bubble_title),
        }
    )
    min_lon, min_lat, max_lon, max_lat = bounds(features) if features else (0, 0, 1, 1)
    ratio = 1 / math.cos(math.radians((min_lat + max_lat) / 2))
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"family": "system-ui, sans-serif", "color": OUTLINE_COLOUR},
        "xaxis": {"visible": False, "constrain": "domain"},
        "yaxis": {"visible": False, "scaleanchor": "x", "scaleratio": ratio, "constrain": "domain"},
        "annotations": [
            {
                "text": attribution,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.06,
                "showarrow": False,
                "font": {"size": 10},
                "xanchor": "left",
            }
        ],
    }
    return {"data": data, "layout": layout}
