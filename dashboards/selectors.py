"""Reads of the dashboards: frames built from a run's results in a fixed number of queries."""

from dataclasses import dataclass

import pandas as pd
from django.http import Http404

from allocation.models import (
    AllocationResult,
    AllocationRun,
    Approval,
    RunStatus,
    SensitivityBand,
    SensitivitySweep,
)
from allocation.selectors import CARRIED_CARE_TYPES, run_results
from gmr_thuis.permissions import get_object_for
from municipalities.models import (
    CareClientCount,
    Indicator,
    Municipality,
    MunicipalityFigure,
    RegionalTask,
    TargetGroup,
)

SUPPLY_INDICATORS = {
    Indicator.INHABITANTS: "inhabitants",
    Indicator.SOCIAL_RENT: "social_rent",
    Indicator.TURNOVER: "turnover",
    Indicator.NEW_CONSTRUCTION: "new_construction",
    Indicator.EXISTING_STOCK_OPTIONS: "existing_stock_options",
}
DEFAULT_CAP_SHARE = 1 / 3


def _name_field():
    return TargetGroup.name_field()


def visible_municipalities(*, user):
    """The municipalities the user may read; none at all means the dashboards are not theirs."""
    municipalities = Municipality.objects.restrict(user)
    if not municipalities.exists():
        raise Http404
    return municipalities


def dashboard_run(*, user, run_id=None) -> AllocationRun | None:
    """The run a dashboard shows: the one asked for, else the current approved, else the latest."""
    runs = (
        AllocationRun.objects.restrict(user)
        .filter(status=RunStatus.SUCCEEDED)
        .select_related("scenario__methodology", "scenario__region")
    )
    if run_id is not None:
        return get_object_for(user, runs, pk=run_id)
    approval = (
        Approval.objects.restrict(user)
        .filter(is_current=True, run__status=RunStatus.SUCCEEDED)
        .select_related("run__scenario__methodology", "run__scenario__region")
        .order_by("-first_year", "-approved_at")
        .first()
    )
    return approval.run if approval else runs.first()


def run_rules(run: AllocationRun) -> dict:
    """The methodology the run computed with, per group code (stored on the run itself)."""
    return ((run.inputs or {}).get("methodology") or {}).get("rules", {})


def run_cap_share(run: AllocationRun) -> float:
    methodology = (run.inputs or {}).get("methodology") or {}
    return float(methodology.get("cap_share", DEFAULT_CAP_SHARE))


def result_cells(*, user, run: AllocationRun, year: int | None = None) -> pd.DataFrame:
    """The run's visible results (`run_results`), each marked whether it counts under the cap."""
    frame = run_results(user=user, run=run, year=year)
    rules = run_rules(run)
    return frame.assign(
        counts_under_cap=frame["target_group"]
        .map(lambda code: bool(rules.get(code, {}).get("capped", False)))
        .astype(bool)
    )


def municipality_supply(*, user, run: AllocationRun) -> pd.DataFrame:
    """Per visible municipality of the run's region its place on the map and its supply."""
    data_year, cap_share = run.scenario.data_year, run_cap_share(run)
    places = pd.DataFrame.from_records(
        list(
            Municipality.objects.restrict(user)
            .filter(region_id=run.scenario.region_id)
            .values("id", "name", "slug", "cbs_code", "latitude", "longitude")
        ),
        columns=["id", "name", "slug", "cbs_code", "latitude", "longitude"],
    ).rename(columns={"id": "municipality_id", "name": "municipality"})
    figures = pd.DataFrame.from_records(
        list(
            MunicipalityFigure.objects.restrict(user)
            .filter(
                municipality__region_id=run.scenario.region_id,
                year__lte=data_year,
                indicator__in=list(SUPPLY_INDICATORS),
            )
            .values("municipality_id", "indicator", "year", "value")
        ),
        columns=["municipality_id", "indicator", "year", "value"],
    )
    # The latest figure up to the data year, as the run's inputs use the data year's figures.
    latest = figures.sort_values("year").groupby(["municipality_id", "indicator"]).tail(1)
    wide = latest.pivot(index="municipality_id", columns="indicator", values="value").rename(
        columns=SUPPLY_INDICATORS
    )
    wide = wide.reindex(columns=list(SUPPLY_INDICATORS.values())).astype(float).fillna(0.0)
    supply = places.merge(wide, left_on="municipality_id", right_index=True, how="left")
    supply[list(SUPPLY_INDICATORS.values())] = supply[list(SUPPLY_INDICATORS.values())].fillna(0.0)
    supply[["latitude", "longitude"]] = supply[["latitude", "longitude"]].astype(float)
    supply["urgent_cap"] = supply["turnover"] * cap_share
    supply["supply"] = supply["urgent_cap"] + supply["new_construction"]
    return supply.sort_values("municipality", ignore_index=True)


def municipality_summary(cells: pd.DataFrame, supply: pd.DataFrame) -> pd.DataFrame:
    """Per municipality its total fair share, the part under the cap, and how supply covers it."""
    totals = cells.groupby("municipality_id").agg(
        quota_total=("quota", "sum"), shortfall=("shortfall", "sum")
    )
    capped = cells[cells["counts_under_cap"]].groupby("municipality_id")["quota"].sum()
    summary = supply.merge(totals, left_on="municipality_id", right_index=True, how="left")
    summary["capped_quota"] = summary["municipality_id"].map(capped)
    summary[["quota_total", "shortfall", "capped_quota"]] = (
        summary[["quota_total", "shortfall", "capped_quota"]].astype(float).fillna(0.0)
    )
    summary["urgent_share"] = (
        summary["capped_quota"] / summary["turnover"].where(summary["turnover"] > 0)
    ).fillna(0.0)
    summary["coverage"] = (
        summary["supply"] / summary["quota_total"].where(summary["quota_total"] > 0)
    ).fillna(1.0)
    return summary


def regional_tasks(*, user, run: AllocationRun, year: int) -> pd.DataFrame:
    """The region's task per group of the run in the year, with source and estimate mark."""
    name_field = _name_field()
    rows = (
        RegionalTask.objects.restrict(user)
        .filter(
            region_id=run.scenario.region_id, year=year, target_group__code__in=list(run_rules(run))
        )
        .values(
            "target_group__code", f"target_group__{name_field}", "amount", "source", "is_estimate"
        )
        .order_by("target_group__sort_order", "target_group__code")
    )
    return pd.DataFrame.from_records(
        list(rows),
        columns=[
            "target_group__code",
            f"target_group__{name_field}",
            "amount",
            "source",
            "is_estimate",
        ],
    ).rename(
        columns={
            "target_group__code": "target_group",
            f"target_group__{name_field}": "target_group_name",
        }
    )


def headline(cells: pd.DataFrame, summary: pd.DataFrame, tasks: pd.DataFrame) -> dict:
    """The four numbers at the top of the regional dashboard."""
    turnover = float(summary["turnover"].sum())
    return {
        "task": int(tasks["amount"].sum()),
        "quota": int(cells["quota"].sum()),
        "shortfall": float(cells["shortfall"].sum()),
        "urgent_share": float(summary["capped_quota"].sum()) / turnover if turnover else None,
    }


def latest_bands(*, user, run: AllocationRun, cells: pd.DataFrame, year: int, group: str | None):
    """The latest finished sweep's bands of one group next to the run's own fair share.

    Returns (group code shown, the group codes with bands, frame) or (None, [], None).
    """
    sweep = (
        SensitivitySweep.objects.restrict(user)
        .filter(scenario_id=run.scenario_id, status=RunStatus.SUCCEEDED)
        .first()
    )
    if sweep is None:
        return None, [], None
    rows = pd.DataFrame.from_records(
        list(
            SensitivityBand.objects.restrict(user)
            .filter(sweep=sweep, year=year)
            .values(
                "municipality_id",
                "target_group__code",
                "minimum",
                "p10",
                "median",
                "p90",
                "maximum",
            )
        ),
        columns=[
            "municipality_id",
            "target_group__code",
            "minimum",
            "p10",
            "median",
            "p90",
            "maximum",
        ],
    ).rename(columns={"target_group__code": "target_group"})
    available = [
        code
        for code in cells["target_group"].drop_duplicates()
        if code in set(rows["target_group"])
    ]
    if not available:
        return None, [], None
    shown = group if group in available else available[0]
    bands = rows[rows["target_group"] == shown].merge(
        cells.loc[cells["target_group"] == shown, ["municipality_id", "municipality", "quota"]],
        on="municipality_id",
    )
    return shown, available, bands.sort_values("municipality", ignore_index=True)


def progress_towards_2030(*, user, year: int) -> pd.DataFrame | None:
    """The region's cumulative fair share and realisation per year, once monitoring has data."""
    from monitoring import selectors as monitoring

    cumulative = monitoring.dashboard(user=user, year=year).cumulative
    if cumulative.empty or not cumulative["realised"].any():
        return None
    return cumulative


@dataclass
class CellInput:
    label: str
    value: float
    source: str
    is_estimate: bool
    weight: float | None = None


def cell_explanation(*, user, run: AllocationRun, slug: str, group: str, year: int):
    """One result cell and the input figures that went into it, with their sources."""
    result = get_object_for(
        user,
        AllocationResult.objects.filter(run=run).select_related("municipality", "target_group"),
        municipality__slug=slug,
        target_group__code=group,
        year=year,
    )
    rule = run_rules(run).get(group, {})
    data_year = run.scenario.data_year
    figures = {
        figure.indicator: figure
        for figure in MunicipalityFigure.objects.restrict(user).filter(
            municipality=result.municipality, year=data_year
        )
    }
    care = {
        count.care_type: count
        for count in CareClientCount.objects.restrict(user).filter(
            municipality=result.municipality, year=data_year
        )
    }
    labels = dict(Indicator.choices)
    inputs = []
    wanted = dict(rule.get("key", {}))
    if rule.get("capped"):
        wanted.setdefault(Indicator.TURNOVER.value, None)
        wanted.setdefault(Indicator.NEW_CONSTRUCTION.value, None)
    for name, weight in wanted.items():
        if name in figures:
            figure = figures[name]
            inputs.append(
                CellInput(
                    labels[name], float(figure.value), figure.source, figure.is_estimate, weight
                )
            )
        elif name.startswith("care_") and name[5:] in care:
            count = care[name[5:]]
            inputs.append(
                CellInput(
                    count.get_care_type_display(),
                    count.count,
                    count.source,
                    count.is_estimate,
                    weight,
                )
            )
        elif name == "inhabitants_75_plus" and {
            Indicator.INHABITANTS,
            Indicator.SHARE_75_PLUS,
        } <= set(figures):
            inhabitants, share = figures[Indicator.INHABITANTS], figures[Indicator.SHARE_75_PLUS]
            inputs.append(
                CellInput(
                    labels[Indicator.SHARE_75_PLUS],
                    float(share.value),
                    share.source,
                    share.is_estimate or inhabitants.is_estimate,
                    weight,
                )
            )
    if rule.get("correct_for_carried"):
        for care_type in CARRIED_CARE_TYPES.get(group, ()):
            if care_type in care:
                count = care[care_type]
                inputs.append(
                    CellInput(
                        count.get_care_type_display(), count.count, count.source, count.is_estimate
                    )
                )
    task = (
        RegionalTask.objects.restrict(user)
        .filter(region_id=run.scenario.region_id, target_group=result.target_group, year=year)
        .first()
    )
    return result, rule, inputs, task
