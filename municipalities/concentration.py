"""The neighbourhood concentration check: where a municipality's priority-group placements pile up.

Pure pandas (no Django): frames in, a frame out, read top to bottom as the rule a council
member would read.

1. Placements count over a window of years (the region sets how many; default three) and only
   where their neighbourhood is known: placements without one are in neither the neighbourhood's
   nor the municipality's rate, so a municipality that reports half of its placements by wijk
   is compared with itself.
2. Rate per neighbourhood: placements per 1,000 dwellings, and per 100 social-rent dwellings.
3. The municipality's rate is its neighbourhoods together (all their placements over all their
   dwellings); the region's rate likewise over every neighbourhood in the frame.
4. Flags, on the rate per 1,000 dwellings, compared exactly (no rounding at the edge):
   - `concentration`: above `municipality_multiple` × the municipality's rate;
   - `focus_area` / `weak_liveability`: a focus area, or a liveability class at or below
     `weak_liveability_class`, that receives more than `attention_multiple` × the municipality's
     rate (1.0: above average).
   "Above" is strict: a neighbourhood exactly at a threshold is not flagged.
"""

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

CONCENTRATION = "concentration"
FOCUS_AREA = "focus_area"
WEAK_LIVEABILITY = "weak_liveability"

NEIGHBOURHOOD_COLUMNS = [
    "neighbourhood",
    "municipality",
    "dwellings",
    "social_rent_dwellings",
    "liveability_class",
    "focus_area",
]
PLACEMENT_COLUMNS = ["neighbourhood", "year", "placements"]


@dataclass(frozen=True)
class Thresholds:
    """The region's settings; the defaults are documented in docs/neighbourhoods.md."""

    municipality_multiple: Fraction = Fraction(3, 2)
    attention_multiple: Fraction = Fraction(1)
    weak_liveability_class: int = 4
    years: int = 3


def window(year: int, years: int) -> range:
    """The years that count for `year`: the last `years` years up to and including it."""
    return range(year - years + 1, year + 1)


def _placements_in_window(placements, year, years):
    counted = placements[placements["year"].isin(list(window(year, years)))]
    return counted.groupby("neighbourhood")["placements"].sum()


def _above(numerator, denominator, multiple, reference_numerator, reference_denominator):
    """numerator/denominator > multiple × reference_numerator/reference_denominator, exactly,
    by cross-multiplying whole numbers."""
    multiple = Fraction(multiple)
    left = numerator * reference_denominator * multiple.denominator
    right = multiple.numerator * reference_numerator * denominator
    return (left > right) & (denominator > 0) & (reference_numerator > 0)


def _rate(placements, base, per):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(base > 0, placements * per / base.where(base > 0, 1), np.nan)


def concentration(
    neighbourhoods: pd.DataFrame,
    placements: pd.DataFrame,
    *,
    year: int,
    thresholds: Thresholds = Thresholds(),
) -> pd.DataFrame:
    """Per neighbourhood: placements in the window, rates, the municipality's and region's
    rates, and its flags with their reasons (a tuple of CONCENTRATION, FOCUS_AREA,
    WEAK_LIVEABILITY).

    `neighbourhoods`: NEIGHBOURHOOD_COLUMNS (dwellings as whole numbers; liveability_class may
    be missing; focus_area a bool). `placements`: PLACEMENT_COLUMNS, any number of rows per
    neighbourhood and year.
    """
    frame = neighbourhoods[NEIGHBOURHOOD_COLUMNS].copy()
    frame["dwellings"] = frame["dwellings"].fillna(0).astype("int64")
    frame["social_rent_dwellings"] = frame["social_rent_dwellings"].fillna(0).astype("int64")
    counted = _placements_in_window(placements, year, thresholds.years)
    frame["placements"] = frame["neighbourhood"].map(counted).fillna(0).astype("int64")

    frame["rate_per_1000"] = _rate(frame["placements"], frame["dwellings"], 1000)
    frame["rate_per_100_social"] = _rate(frame["placements"], frame["social_rent_dwellings"], 100)

    per_municipality = frame.groupby("municipality")[["placements", "dwellings"]].transform("sum")
    frame["municipality_placements"] = per_municipality["placements"]
    frame["municipality_dwellings"] = per_municipality["dwellings"]
    frame["municipality_rate"] = _rate(
        frame["municipality_placements"], frame["municipality_dwellings"], 1000
    )
    frame["region_rate"] = _rate(
        pd.Series(frame["placements"].sum(), index=frame.index),
        pd.Series(frame["dwellings"].sum(), index=frame.index),
        1000,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["ratio"] = frame["rate_per_1000"] / frame["municipality_rate"]
    return _flags(frame, thresholds)


def _flags(frame, thresholds):
    args = (frame["placements"], frame["dwellings"])
    reference = (frame["municipality_placements"], frame["municipality_dwellings"])
    over_multiple = _above(*args, thresholds.municipality_multiple, *reference)
    above_average = _above(*args, thresholds.attention_multiple, *reference)
    focus = frame["focus_area"].fillna(False).astype(bool)
    weak = frame["liveability_class"].le(thresholds.weak_liveability_class).fillna(False)
    reasons = {
        CONCENTRATION: over_multiple,
        FOCUS_AREA: above_average & focus,
        WEAK_LIVEABILITY: above_average & weak.astype(bool),
    }
    frame["reasons"] = [
        tuple(code for code, flagged in reasons.items() if flagged.iloc[i])
        for i in range(len(frame))
    ]
    frame["flagged"] = frame["reasons"].map(bool).astype(bool)
    return frame.sort_values(
        ["flagged", "ratio", "neighbourhood"], ascending=[False, False, True], na_position="last"
    ).reset_index(drop=True)
