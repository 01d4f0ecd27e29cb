"""The figure builders and the sentence builder, on plain frames and mappings."""

import pandas as pd
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


def test_map_places_bubbles_at_the_coordinates_and_links_each_municipality():
    chart = figures.supply_map(summary_frame())
    trace = chart.figure.data[0]
    assert list(trace.x) == [5.899, 5.97]
    assert [row[0] for row in trace.customdata] == ["/a/", "/w/"]


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
