"""The figure builders and the sentence builder, on plain frames and mappings."""

import pandas as pd
import plotly.graph_objects as go
import pytest
from django.utils import translation

from dashboards import figures
from dashboards.explain import cell_sentence

CELL = {
    "year": 2026,
    "local": False,
    "quota": 12,
    "key_share": 0.019,
    "shortfall": 0.0,
    "key_contribution": 14.3,
    "correction_contribution": -2.1,
    "cap_contribution": 0.0,
    "rounding_contribution": -0.2,
    "carry_over_contribution": 0.0,
}


def sentence(cell=CELL, language="nl"):
    with translation.override(language):
        return cell_sentence(
            cell, municipality="Westervoort", group="Statushouders", unit="huishoudens"
        )


def test_sentence_names_each_step_that_moved_the_number_in_dutch():
    text = sentence()
    assert text.startswith("Westervoort krijgt in 2026 een fair share van 12 huishoudens")
    assert "de verdeelsleutel geeft 14,3 (1,9% van de regionale opgave)" in text
    assert "de correctie voor wat Westervoort al draagt haalt er 2,1 af" in text
    assert "afronden op hele huishoudens haalt er 0,2 af" in text
    assert "plafond" not in text  # the cap did not move this number, so it is not mentioned


def test_sentence_mentions_units_left_unplaced_by_the_cap():
    text = sentence({**CELL, "cap_contribution": -3.0, "shortfall": 4.5})
    assert "schuift 3,0 naar andere gemeenten" in text
    assert "laat 4,5 huishoudens onverdeeld" in text


def test_local_group_sentence_says_it_is_not_shared_out():
    text = sentence({**CELL, "local": True, "quota": 8})
    assert text == (
        "Statushouders wordt niet over de regio verdeeld: Westervoort huisvest in 2026 "
        "haar eigen 8 huishoudens."
    )


def test_sentence_uses_the_english_number_format_in_english():
    assert "14.3" in sentence(language="en")


def test_waterfall_steps_add_up_to_the_quota():
    chart = figures.quota_waterfall(CELL)
    trace = chart.figure.data[0]
    assert list(trace.measure) == ["absolute", *["relative"] * 4, "total"]
    assert sum(trace.y[:-1]) == pytest.approx(trace.y[-1], abs=0.01)
    assert len(chart.rows) == 6


def summary_frame():
    return pd.DataFrame(
        {
            "municipality": ["Arnhem", "Westervoort"],
            "cbs_code": ["GM0202", "GM0293"],
            "url": ["/a/", "/w/"],
            "latitude": [51.985, 51.96],
            "longitude": [5.899, 5.97],
            "quota_total": [200.0, 20.0],
            "capped_quota": [150.0, 40.0],
            "turnover": [2200.0, 90.0],
            "urgent_cap": [733.3, 30.0],
            "new_construction": [50.0, 0.0],
            "supply": [783.3, 30.0],
            "coverage": [3.9, 1.5],
            "urgent_share": [150 / 2200, 40 / 90],
        }
    )


def test_fair_share_vs_supply_names_the_municipalities_over_the_cap():
    chart = figures.fair_share_vs_supply(summary_frame())
    assert "aangewezen op de ruimte voor nieuwbouw: Westervoort." in chart.caption
    assert [row[0] for row in chart.rows] == ["Arnhem", "Westervoort"]


def test_task_vs_supply_states_the_gap_when_the_task_is_larger():
    tasks = pd.DataFrame({"target_group_name": ["Statushouders"], "amount": [1000]})
    chart = figures.task_vs_supply(tasks, summary_frame())
    assert "de taart moet groter" in chart.caption


def test_map_draws_the_real_boundaries_with_a_linked_bubble_per_municipality():
    # The map is a figure dict; as a Plotly figure it must validate.
    figure = go.Figure(figures.supply_map(summary_frame()).figure)
    shapes = [trace for trace in figure.data if trace.fill == "toself"]
    assert [trace.name for trace in shapes] == ["Arnhem", "Westervoort"]
    points = figure.data[-1]
    assert [row[0] for row in points.customdata] == ["/a/", "/w/"]
    assert list(points.marker.size) == [200.0, 20.0]
    # Westervoort's point lies inside its own boundary box, east of Arnhem's.
    assert 5.9 < points.x[1] < 6.05 and points.x[0] < points.x[1]


def test_the_map_colours_by_fair_share_on_request_and_can_hide_the_bubbles():
    chart = figures.supply_map(summary_frame(), measure="fair-share", bubbles=False)
    figure = go.Figure(chart.figure)
    arnhem, westervoort = (t for t in figure.data if t.fill == "toself")
    assert arnhem.fillcolor != westervoort.fillcolor
    assert figure.data[-1].marker.size == 7
    assert figure.layout.showlegend is False


def test_a_municipality_without_a_boundary_is_named_not_drawn():
    frame = summary_frame().assign(cbs_code=["GM0202", "GM9999"])
    chart = figures.supply_map(frame)
    assert len([t for t in go.Figure(chart.figure).data if t.fill == "toself"]) == 1
    assert "Geen gemeentegrens bekend voor: Westervoort." in chart.caption
    assert [row[0] for row in chart.rows] == ["Arnhem", "Westervoort"]


def test_every_gmr_municipality_of_the_data_set_has_a_boundary():
    import csv

    from municipalities.geo import municipality_features
    from municipalities.services import FIXTURES_DIR

    with (FIXTURES_DIR / "municipalities.csv").open(encoding="utf-8") as handle:
        codes = [row["cbs_code"] for row in csv.DictReader(handle)]
    assert len(codes) == 17
    assert not set(codes) - set(municipality_features())


def test_chart_json_script_escapes_markup_in_names():
    frame = summary_frame().assign(municipality=["</script><b>", "Westervoort"])
    html = figures.supply_map(frame).json_script()
    assert "</script><b>" not in html
    assert "\\u003cb\\u003e" in html.lower()


def test_progress_is_cumulative_towards_2030():
    progress = pd.DataFrame(
        {
            "year": [2026, 2027],
            "fair_share": [10.0, 10.0],
            "realised": [4.0, 6.0],
            "cumulative_fair_share": [10.0, 20.0],
            "cumulative_realised": [4.0, 10.0],
        }
    )
    chart = figures.progress_to_2030(progress)
    assert list(chart.figure.data[1].y) == [4.0, 10.0]
