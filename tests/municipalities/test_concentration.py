"""The concentration check: the hand-computed example of docs/neighbourhoods.md and the edges."""

import ast
import math
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from municipalities import concentration as module
from municipalities.concentration import (
    CONCENTRATION,
    FOCUS_AREA,
    WEAK_LIVEABILITY,
    Thresholds,
    concentration,
    window,
)


def neighbourhoods(*rows):
    return pd.DataFrame(
        rows,
        columns=[
            "neighbourhood",
            "municipality",
            "dwellings",
            "social_rent_dwellings",
            "liveability_class",
            "focus_area",
        ],
    )


def placements(*rows):
    return pd.DataFrame(rows, columns=["neighbourhood", "year", "placements"])


# The worked example of docs/neighbourhoods.md.
EXAMPLE_NEIGHBOURHOODS = neighbourhoods(
    ("A1", "A", 1000, 400, 6, False),
    ("A2", "A", 2000, 500, 7, False),
    ("A3", "A", 1000, 100, 5, True),
    ("B1", "B", 1000, 200, 4, False),
)
EXAMPLE_PLACEMENTS = placements(
    ("A1", 2024, 2),
    ("A1", 2025, 3),
    ("A1", 2026, 1),
    ("A1", 2023, 9),  # before the window 2024–2026: not counted
    ("A2", 2026, 4),
    ("A3", 2025, 4),
    ("B1", 2026, 1),
)


def by_code(frame):
    return frame.set_index("neighbourhood")


def test_worked_example_of_the_docs():
    result = by_code(concentration(EXAMPLE_NEIGHBOURHOODS, EXAMPLE_PLACEMENTS, year=2026))
    assert result["placements"].to_dict() == {"A1": 6, "A2": 4, "A3": 4, "B1": 1}
    assert result["rate_per_1000"].to_dict() == {"A1": 6.0, "A2": 2.0, "A3": 4.0, "B1": 1.0}
    assert result["rate_per_100_social"].to_dict() == pytest.approx(
        {"A1": 1.5, "A2": 0.8, "A3": 4.0, "B1": 0.5}
    )
    # A: 14 placements over 4,000 dwellings; the region: 15 over 5,000.
    assert result.loc["A1", "municipality_rate"] == 3.5
    assert result.loc["B1", "municipality_rate"] == 1.0
    assert set(result["region_rate"]) == {3.0}
    assert result["reasons"].to_dict() == {
        "A1": (CONCENTRATION,),  # 6.0 > 1.5 × 3.5 = 5.25
        "A2": (),
        "A3": (FOCUS_AREA,),  # a focus area above average: 4.0 > 3.5, below 5.25
        "B1": (),  # weak (class 4) but exactly at its municipality's average: not above it
    }
    # Flagged first, then by how far above the municipality's rate.
    assert list(
        concentration(EXAMPLE_NEIGHBOURHOODS, EXAMPLE_PLACEMENTS, year=2026)["neighbourhood"]
    ) == ["A1", "A3", "B1", "A2"]  # ratios 1.71, 1.14 | 1.0, 0.57


def test_the_window_is_the_last_three_years_by_default():
    assert list(window(2026, 3)) == [2024, 2025, 2026]
    result = by_code(concentration(EXAMPLE_NEIGHBOURHOODS, EXAMPLE_PLACEMENTS, year=2027))
    assert result.loc["A1", "placements"] == 4  # 2025 and 2026 only


def two_districts(first, second=2):
    """Two districts of 1,000 dwellings in one municipality, `first` and `second` placements."""
    return (
        neighbourhoods(("X1", "X", 1000, 100, 7, False), ("X2", "X", 1000, 100, 7, False)),
        placements(("X1", 2026, first), ("X2", 2026, second)),
    )


@pytest.mark.parametrize(
    ("first", "second", "flagged"),
    # Municipality rate (first + second) / 2; flag when first > 1.5 × that rate.
    # first = 6, second = 2: 6 > 1.5 × 4 = 6? no.   first = 7, second = 2: 7 > 6.75? yes.
    [(6, 2, False), (7, 2, True), (3, 1, False), (4, 1, True)],
)
def test_concentration_flag_at_the_edge_of_the_multiple(first, second, flagged):
    frame, counted = two_districts(first, second)
    result = by_code(concentration(frame, counted, year=2026))
    assert (CONCENTRATION in result.loc["X1", "reasons"]) is flagged


@pytest.mark.parametrize(("liveability", "weak"), [(4, True), (5, False), (1, True), (None, False)])
def test_weak_liveability_up_to_and_including_the_threshold(liveability, weak):
    frame = neighbourhoods(
        ("X1", "X", 1000, 100, liveability, False), ("X2", "X", 1000, 100, 7, False)
    )
    result = by_code(concentration(frame, placements(("X1", 2026, 3), ("X2", 2026, 2)), year=2026))
    assert (WEAK_LIVEABILITY in result.loc["X1", "reasons"]) is weak


@pytest.mark.parametrize(("first", "flagged"), [(2, False), (3, True)])
def test_focus_area_flagged_only_above_average(first, flagged):
    frame = neighbourhoods(("X1", "X", 1000, 100, 7, True), ("X2", "X", 1000, 100, 7, False))
    result = by_code(
        concentration(frame, placements(("X1", 2026, first), ("X2", 2026, 2)), year=2026)
    )
    assert (FOCUS_AREA in result.loc["X1", "reasons"]) is flagged


def test_the_region_s_thresholds_apply():
    frame, counted = two_districts(6, 2)
    strict = Thresholds(municipality_multiple=Fraction(5, 4))
    assert by_code(concentration(frame, counted, year=2026, thresholds=strict)).loc[
        "X1", "reasons"
    ] == (CONCENTRATION,)


def test_no_placements_and_no_dwellings_flag_nothing():
    frame = neighbourhoods(("X1", "X", 0, 0, 2, True), ("X2", "X", 1000, 100, 2, True))
    result = by_code(concentration(frame, placements(), year=2026))
    assert not result["flagged"].any()
    assert math.isnan(result.loc["X1", "rate_per_1000"])
    assert result.loc["X2", "rate_per_1000"] == 0


def test_module_is_pure():
    """Frames in, frames out: no Django, no app imports."""
    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} == {
        "dataclasses",
        "fractions",
        "numpy",
        "pandas",
    }


def test_a_region_without_neighbourhoods_gives_an_empty_frame_that_filters():
    result = concentration(neighbourhoods(), placements(), year=2026)
    assert result.empty
    assert result["flagged"].dtype == bool
    assert result[result["flagged"]].columns.tolist() == result.columns.tolist()
