"""The one chart layer: colours readers can tell apart, Dutch numbers, data as JSON only."""

import plotly.graph_objects as go
import pytest
from django.utils import translation

from gmr_thuis import charts


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", charts.PALETTE)
def test_every_series_colour_has_three_to_one_contrast_against_white(colour):
    assert (1.05) / (_luminance(colour) + 0.05) >= 3.0


def test_fifteen_target_groups_get_fifteen_distinguishable_styles():
    styles = [charts.series_style(index) for index in range(15)]
    assert len({(style["color"], style["pattern"]) for style in styles}) == 15
    assert len({(style["color"], style["dash"]) for style in styles}) == 15


def test_numbers_follow_the_active_language():
    with translation.override("nl"):
        assert charts.fmt(1234.5, 1) == "1.234,5"
        assert charts.percent(0.25) == "25,0%"
        assert charts.separators() == ",."
    with translation.override("en"):
        assert charts.fmt(1234.5, 1) == "1,234.5"
        assert charts.separators() == ".,"


def test_layout_gives_plotly_the_dutch_separators():
    with translation.override("nl"):
        figure = charts.layout(go.Figure(), title="T")
    assert figure.layout.separators == ",."


def test_figure_data_cannot_close_its_script_element():
    figure = go.Figure(go.Bar(x=["</script><script>alert(1)</script>"], y=[1]))
    html = charts.Chart(id="x", title="T", figure=figure, caption="C").json_script()
    assert html.count("</script>") == 1
    assert 'type="application/json"' in html
