"""Pure computation of the project pipeline: phase-weighted expected deliveries (no Django).

Default probabilities that a project in a phase delivers its homes in its expected year. The
region may set its own (`PhaseProbability`); these apply where it has not.
"""

import pandas as pd

PHASES = ("idea", "plan", "permit", "construction", "delivered")

DEFAULT_PHASE_PROBABILITIES = {
    "idea": (0.3, True, "schatting: geen publieke bron; een idee is nog geen plan"),
    "plan": (
        0.7,
        True,
        "afgeleid van de BZK-vuistregel van 130% plancapaciteit (circa 30% planuitval); "
        "schatting voor een enkel project",
    ),
    "permit": (0.9, True, "schatting: geen publieke bron; vergund, nog niet gestart"),
    "construction": (0.98, True, "schatting: geen publieke bron; in aanbouw"),
    "delivered": (1.0, False, "per definitie: opgeleverd"),
}

PROJECT_COLUMNS = [
    "project_id",
    "municipality_id",
    "phase",
    "expected_year",
    "first_expected_year",
    "delivered_year",
    "homes",
]


def expected_deliveries(projects: pd.DataFrame, probabilities: dict, value="homes") -> pd.DataFrame:
    """Per municipality and year: planned (first expected year, nominal), expected (current
    expected year × phase probability; delivered projects count fully in their delivery year)
    and delivered (delivered projects in their delivery year)."""
    columns = ["municipality_id", "year", "planned", "expected", "delivered"]
    if projects.empty:
        return pd.DataFrame(columns=columns)
    frame = projects.copy()
    frame["weight"] = frame["phase"].map(probabilities).astype(float)
    done = frame["phase"] == "delivered"
    frame["expected_at"] = frame["expected_year"].where(~done, frame["delivered_year"])
    planned = frame.groupby(["municipality_id", "first_expected_year"])[value].sum()
    planned.index = planned.index.set_names(["municipality_id", "year"])
    expected = (
        (frame[value] * frame["weight"])
        .groupby([frame["municipality_id"], frame["expected_at"]])
        .sum()
    )
    expected.index = expected.index.set_names(["municipality_id", "year"])
    delivered = frame[done].groupby(["municipality_id", "delivered_year"])[value].sum()
    delivered.index = delivered.index.set_names(["municipality_id", "year"])
    result = pd.concat(
        {"planned": planned, "expected": expected, "delivered": delivered}, axis=1
    ).fillna(0.0)
    result = result.reset_index()
    result["year"] = result["year"].astype(int)
    return result[columns].sort_values(["municipality_id", "year"]).reset_index(drop=True)
