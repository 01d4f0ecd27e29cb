"""The GMR data set of fixtures/ as the engine's frames (read from the CSV files, no database),
for the benchmark and the worked example of docs/methodology.*.md."""

import os
from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def gmr_frames(data_year=2024, task_year=2025):
    """(indicators, tasks, carried): municipalities by CBS code, tasks by target-group code,
    built as `allocation.selectors.scenario_inputs` builds them from the database."""
    figures = pd.read_csv(FIXTURES / "municipality_figures.csv")
    figures = figures[figures["year"] == data_year]
    indicators = figures.pivot(index="cbs_code", columns="indicator", values="value")
    care = pd.read_csv(FIXTURES / "care_clients.csv")
    care = care[care["year"] == data_year].pivot(
        index="cbs_code", columns="care_type", values="count"
    )
    for care_type in care:
        indicators[f"care_{care_type}"] = care[care_type]
    indicators["inhabitants_75_plus"] = (
        indicators["inhabitants"] * indicators["share_75_plus"] / 100
    )
    tasks = pd.read_csv(FIXTURES / "regional_tasks.csv")
    tasks = tasks[tasks["year"] == task_year].set_index("target_group")["amount"]
    carried = pd.DataFrame(
        {
            group: care[[t for t in types if t in care]].sum(axis=1)
            for group, types in _carried_care_types().items()
        }
    )
    return indicators.fillna(0.0), tasks, carried.reindex(columns=list(tasks.index), fill_value=0)


def _carried_care_types():
    """Which institutions' clients count as already carried, per group: the selectors' rule."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gmr_thuis.settings")
    django.setup()
    from allocation.selectors import CARRIED_CARE_TYPES

    return CARRIED_CARE_TYPES
