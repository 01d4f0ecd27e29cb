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


def test_a_chart_is_written_in_the_house_template_as_if_it_had_been_merged_into_the_figure():
    import json

    import plotly.io as pio

    figure = charts.layout(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), title="Titel")
    written = json.loads(charts.figure_json(figure))
    merged = go.Figure(figure).update_layout(template=pio.templates["plotly_white"])
    assert written == json.loads(merged.to_json())
    assert written["layout"]["template"]["layout"]["plot_bgcolor"] == "white"


def test_the_house_layout_is_laid_over_the_figures_own_as_update_layout_would():
    import json

    own = {"legend": {"traceorder": "reversed"}, "xaxis": {"title": {"text": "jaar"}}}
    extra = {"xaxis": {"tickformat": "d"}, "barmode": "stack"}
    figure = charts.layout(
        go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout=own), title="Titel", height=300, **extra
    )
    expected = go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout=own).update_layout(
        title={"text": "Titel", "x": 0, "font": {"size": 14}},
        height=300,
        margin={"l": 60, "r": 20, "t": 60, "b": 60},
        font={"family": "system-ui, sans-serif", "color": charts.INK},
        legend={"orientation": "h", "y": -0.2},
        separators=charts.separators(),
        **extra,
    )
    assert json.loads(figure.to_json()) == json.loads(expected.to_json())
    assert figure.layout.legend.traceorder == "reversed"
    assert figure.layout.xaxis.title.text == "jaar"
