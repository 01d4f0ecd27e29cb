"""The older people's task as pure computation (no Django): forecasts of inhabitants 75+,
the need for zero-step homes, clustered homes and nursing-care places from norms per 1,000
people aged 75+, the gap after stock and pipeline, and the national goal translated to a region.

Public facts (national programme *Wonen en zorg voor ouderen*, 2022; progress letter of the
ministers of 25 April 2025): 1.4 million people aged 75+ in 2020, 2.6 million in 2040, 2.9
million in 2050; up to and including 2030, 290,000 homes suitable for older people: 170,000
zero-step homes, 80,000 clustered homes and 40,000 clustered nursing-care places.
docs/older_people.md derives the defaults below from these numbers.
"""

import pandas as pd

KINDS = ("zero_step", "clustered", "nursing_care")
NATIONAL_75_PLUS = {2020: 1_400_000, 2040: 2_600_000, 2050: 2_900_000}
NATIONAL_GOAL_2030 = {"zero_step": 170_000, "clustered": 80_000, "nursing_care": 40_000}
NATIONAL_SOURCE = "Programma Wonen en zorg voor ouderen (2022) en voortgangsbrief van 25 april 2025"
BASE_YEAR = 2020
GOAL_YEAR = 2030


def national_75_plus(year: int) -> float:
    """The national number of people aged 75+ in a year, linear between the programme's years."""
    points = sorted(NATIONAL_75_PLUS.items())
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    (y0, v0), (y1, v1) = (points[0], points[1]) if year < points[0][0] else (points[-2], points[-1])
    return v0 + (v1 - v0) * (year - y0) / (y1 - y0)


def default_norms() -> dict[str, float]:
    """Homes or places per 1,000 people aged 75+: the national goal for 2030 over the national
    growth of the 75+ from 2020 to 2030 (the programme sizes the goal to that growth)."""
    growth = national_75_plus(GOAL_YEAR) - national_75_plus(BASE_YEAR)
    return {kind: round(goal / growth * 1000, 2) for kind, goal in NATIONAL_GOAL_2030.items()}


# The share of 85+ among the 75+: an estimate of the order of magnitude of CBS's figures and
# forecast (about a quarter now, close to a third in 2040 when the post-war cohorts reach 85).
SHARE_85_IN_75 = {2024: 0.24, 2030: 0.25, 2040: 0.31}


def estimated_forecast(population: float, share_75_plus: float, year_now: int, years) -> list:
    """(year, population, 75+, 85+) estimates from a municipality's population and its 75+
    share (%) in `year_now`: the 75+ grow like the national 75+, the population stays."""
    now = population * share_75_plus / 100
    rows = []
    for year in years:
        aged_75 = now * national_75_plus(year) / national_75_plus(year_now)
        share_85 = _interpolate_share(year)
        rows.append((year, round(population), round(aged_75), round(aged_75 * share_85)))
    return rows


def _interpolate_share(year):
    points = sorted(SHARE_85_IN_75.items())
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return points[-1][1]


def estimated_stock(aged_75_now: float, year_now: int, norms: dict) -> dict[str, int]:
    """The stock now, if it matched the norms for the 75+ of 2020 and nothing was added since
    (the programme's premise: the goal is the growth's need). An estimate, to be replaced."""
    aged_2020 = aged_75_now * national_75_plus(BASE_YEAR) / national_75_plus(year_now)
    return {kind: round(norms[kind] * aged_2020 / 1000) for kind in KINDS}


def interpolate_years(forecast: pd.DataFrame, years) -> pd.DataFrame:
    """Forecast rows (municipality_id, year, population, aged_75_plus, aged_85_plus) for every
    year asked, linear between the years given; outside them the nearest year's values."""
    out = []
    for municipality_id, rows in forecast.groupby("municipality_id"):
        rows = rows.set_index("year").sort_index()[["population", "aged_75_plus", "aged_85_plus"]]
        full = rows.reindex(sorted(set(rows.index) | set(years))).astype(float)
        full = full.interpolate(method="index", limit_direction="both").loc[list(years)]
        full["municipality_id"] = municipality_id
        out.append(full.reset_index(names="year"))
    columns = ["municipality_id", "year", "population", "aged_75_plus", "aged_85_plus"]
    if not out:
        return pd.DataFrame(columns=columns)
    return pd.concat(out, ignore_index=True)[columns]


def need(forecast: pd.DataFrame, norms: dict) -> pd.DataFrame:
    """Per municipality, year and kind: the need = 75+ × norm / 1,000."""
    rows = []
    for row in forecast.itertuples():
        for kind in KINDS:
            rows.append(
                {
                    "municipality_id": row.municipality_id,
                    "year": int(row.year),
                    "kind": kind,
                    "aged_75_plus": float(row.aged_75_plus),
                    "need": float(row.aged_75_plus) * norms[kind] / 1000,
                }
            )
    return pd.DataFrame(rows, columns=["municipality_id", "year", "kind", "aged_75_plus", "need"])


def gap(need_frame: pd.DataFrame, stock: dict, pipeline: pd.DataFrame) -> pd.DataFrame:
    """Need minus the current stock minus the pipeline's expected deliveries up to the year.

    `stock`: {(municipality_id, kind): count}; `pipeline`: municipality_id, year, kind, expected
    (deliveries in that year). A negative gap is a surplus."""
    frame = need_frame.copy()
    frame["stock"] = [
        float(stock.get((m, k), 0))
        for m, k in zip(frame["municipality_id"], frame["kind"], strict=True)
    ]
    cumulative = []
    for row in frame.itertuples():
        own = pipeline[
            (pipeline["municipality_id"] == row.municipality_id)
            & (pipeline["kind"] == row.kind)
            & (pipeline["year"] <= row.year)
        ]
        cumulative.append(float(own["expected"].sum()))
    frame["pipeline"] = cumulative
    frame["gap"] = frame["need"] - frame["stock"] - frame["pipeline"]
    return frame


def regional_translation(region_75_by_year: dict, start_year: int = BASE_YEAR) -> dict:
    """The national goal for 2030 translated to a region by its share of the national growth
    of the 75+ from `start_year` to 2030: {"share": s, kind: homes, "total": homes}."""
    regional = region_75_by_year[GOAL_YEAR] - region_75_by_year[start_year]
    national = national_75_plus(GOAL_YEAR) - national_75_plus(start_year)
    share = regional / national
    result = {kind: share * goal for kind, goal in NATIONAL_GOAL_2030.items()}
    result["total"] = sum(result[kind] for kind in KINDS)
    result["share"] = share
    return result
