"""The one chart layer: a Plotly figure with its caption, table alternative, palette and Dutch
number notation, drawn in the browser by static/js/charts.js from JSON (no inline script)."""

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gmr_thuis.tables import numbers_rows
from gmr_thuis.templatetags.gmr import language_notation

# Okabe-Ito's colour-blind-safe hues, darkened where needed so each has at least 3:1 contrast
# against white, as WCAG 1.4.11 asks of graphics.
BLUE, ORANGE, GREEN, PURPLE, OLIVE, VERMILION, GREY, INK = (
    "#0072B2",
    "#B35C00",
    "#00785A",
    "#8E4585",
    "#6B6100",
    "#C2410C",
    "#4D5B66",
    "#1F2A33",
)
PALETTE = (BLUE, ORANGE, GREEN, PURPLE, OLIVE, VERMILION, GREY, INK)
# Eight hues are as many as stay apart for colour-blind readers; beyond them a series repeats a
# hue with a hatch (bars) or a dash (lines), so 15 target groups remain distinguishable.
PATTERNS = ("", "/", "x")
DASHES = ("solid", "dash", "dot")
LIGHT_BLUE = "#9ECAE9"  # a fill behind a BLUE outline, never a series of its own
LIGHT_GREEN = "#A1D99B"
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# The house template, serialised once. Merging a named template into a figure makes Plotly
# validate its few kB of defaults again, tens of milliseconds per figure; so figures are built
# with no template at all and this one is put into the layout's JSON as it is written out.
HOUSE_TEMPLATE = pio.templates["plotly_white"].to_plotly_json()
pio.templates.default = None


def series_style(index: int) -> dict:
    """Colour, hatch and dash of the index-th series of a chart with many (up to 24)."""
    hue, repeat = divmod(index, len(PALETTE))[::-1]
    return {
        "color": PALETTE[hue],
        "pattern": PATTERNS[repeat % len(PATTERNS)],
        "dash": DASHES[repeat % len(DASHES)],
    }


@dataclass
class Chart:
    """A figure with what a screen reader gets instead: a caption and the same data as a table."""

    id: str
    title: str
    # A Plotly figure, or a figure dict for one too large to build as Plotly objects (the map).
    figure: go.Figure | dict
    caption: str
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)

    def table_body(self):
        """The rows of the table alternative, the first value of each its header."""
        return numbers_rows(self.rows)

    def json_script(self):
        """The figure as JSON data that charts.js draws; escaped like Django's json_script."""
        data = figure_json(self.figure).translate(JSON_ESCAPES)
        return format_html(
            '<script type="application/json" id="{}-data">{}</script>', self.id, mark_safe(data)
        )


def formatter(decimals=0):
    """`fmt` with the language looked up once, for the thousands of numbers of a chart's table.

    Python's own grouping translated to the language's separators: the text of Django's
    number_format at a fraction of its cost."""
    notation = language_notation()

    def formatted(value):
        if value is None or pd.isna(value):
            return "–"
        rounded = round(float(value), decimals)
        if notation is None:
            return number_format(rounded, decimal_pos=decimals, force_grouping=True)
        return f"{rounded:,.{decimals}f}".translate(notation)

    return formatted


def fmt(value, decimals=0):
    """A number in the active language's notation, for tables, captions and hover texts."""
    return formatter(decimals)(value)


def percent(share, decimals=1):
    """A share (0.25) as the active language writes a percentage (25,0%)."""
    return f"{fmt(share * 100, decimals)}%"


def separators() -> str:
    """Plotly's decimal and thousands separators in the active language (",." in Dutch)."""
    return f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}"


def figure_json(figure: go.Figure | dict) -> str:
    """The figure (or figure dict) as Plotly JSON in the house template, unless it names one."""
    data = figure if isinstance(figure, dict) else figure.to_plotly_json()
    layout = data.get("layout") or {}
    if "template" not in layout:
        data = {**data, "layout": {**layout, "template": HOUSE_TEMPLATE}}
    return pio.to_json(data, validate=False)


def _merged(base: dict, extra: dict) -> dict:
    """`base` with `extra` laid over it, nested dicts merged key by key (as update_layout)."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = _merged(merged[key], value)
        merged[key] = value
    return merged


def layout(figure: go.Figure, *, title: str, height=420, **extra) -> go.Figure:
    """The house style every chart shares: title, legend below, Dutch numbers; the white
    template is added when the figure is written out (`figure_json`). `extra` takes layout
    properties as nested dicts (`xaxis={"title": ...}`).

    The layout is merged as plain dicts and set once: Plotly's update_layout costs about ten
    times as much, most of it in change notifications that only interactive widgets use."""
    figure.layout = _merged(
        figure.layout.to_plotly_json(),
        {
            "title": {"text": title, "x": 0, "font": {"size": 14}},
            "height": height,
            "margin": {"l": 60, "r": 20, "t": 60, "b": 60},
            "font": {"family": "system-ui, sans-serif", "color": INK},
            "legend": {"orientation": "h", "y": -0.2},
            "separators": separators(),
            **extra,
        },
    )
    return figure
