"""Reads of the dashboards: frames built from a run's results in a fixed number of queries."""

import hashlib

import pandas as pd
from django.db.models import Count, Sum
from django.utils.translation import get_language

from allocation.models import AllocationResult
from allocation.selectors import (
    APPROVED_FAIR_SHARE_COLUMNS,
    SUPPLY_COLUMNS,
    approved_fair_share_rows,
    approved_fair_shares,
    cell_inputs_with_live,
    cell_task,
    latest_sweep_bands,
    run_counts_under_cap,
    run_result,
    run_results,
    run_supply,
)
from monitoring.models import HORIZON_YEAR
from municipalities.models import (
    Municipality,
    TargetGroup,
)


def _name_field():
    return TargetGroup.name_field()


def run_view_digest(*, user, run, year: int) -> str:
    """A digest of everything a reader's view of a finished run's year depends on besides the
    run's own stored rows: which of its results the reader may see, the names and places of the
    municipalities they may read, the groups' names in the language, and the run's state.

    A finished run's results and snapshot never change (a run is only ever written whole, when
    it finishes), so what is computed from them for one digest holds as long as the digest
    does: a figure edited since, an approval or a monitoring record leave it as it is, and a
    renamed municipality, a changed right or another language give another one. Three small
    reads, of a few hundred rows at the national scale."""
    visible = list(
        AllocationResult.objects.restrict(user)
        .filter(run=run, year=year)
        .values("municipality_id")
        .annotate(cells=Count("id"))
        .order_by("municipality_id")
        .values_list("municipality_id", "cells")
    )
    places = list(
        Municipality.objects.restrict(user)
        .filter(region_id=run.scenario.region_id)
        .order_by("pk")
        .values_list("pk", "name", "slug", "cbs_code", "latitude", "longitude")
    )
    groups = list(
        TargetGroup.objects.order_by("pk").values_list(
            "pk", "code", _name_field(), "unit", "sort_order"
        )
    )
    finished = run.finished_at.isoformat() if run.finished_at else ""
    state = (run.pk, run.status, finished, run.input_hash, year, get_language())
    return hashlib.sha256(repr((state, visible, places, groups)).encode()).hexdigest()


def visible_municipalities(*, user):
    """The municipalities the user may read; none at all means the dashboards are not theirs."""
    return Municipality.objects.restrict(user)


def result_cells(*, user, run, year: int | None = None) -> pd.DataFrame:
    """The run's visible results (`run_results`), each marked whether it counts under the cap."""
    frame = run_results(user=user, run=run, year=year)
    capped = run_counts_under_cap(run)
    return frame.assign(
        counts_under_cap=frame["target_group"].map(capped).fillna(False).astype(bool)
    )


def municipality_supply(*, user, run, year=None) -> pd.DataFrame:
    """Per visible municipality of the run's region its place on the map and the supply the run
    used: the figures of its snapshot and the room it stored (`allocation.selectors.run_supply`)."""
    places = pd.DataFrame.from_records(
        list(
            Municipality.objects.restrict(user)
            .filter(region_id=run.scenario.region_id)
            .values("id", "name", "slug", "cbs_code", "latitude", "longitude")
        ),
        columns=["id", "name", "slug", "cbs_code", "latitude", "longitude"],
    ).rename(columns={"id": "municipality_id", "name": "municipality"})
    supply = places.merge(run_supply(run, user=user, year=year), on="cbs_code", how="left")
    numbers = [*SUPPLY_COLUMNS, "supply", "urgent_cap"]
    supply[numbers] = supply[numbers].astype(float).fillna(0.0)
    supply[["latitude", "longitude"]] = supply[["latitude", "longitude"]].astype(float)
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


def regional_tasks(*, user, run, year: int) -> pd.DataFrame:
    """The region's task per group of the run in the year, with source and estimate mark, as
    the run's snapshot holds them."""
    name_field = _name_field()
    groups = TargetGroup.objects.restrict(user).filter(code__in=list(run_counts_under_cap(run)))
    rows = []
    for code, name in groups.order_by("sort_order", "code").values_list("code", name_field):
        cell = cell_task(run, code, year)
        if cell is not None:
            rows.append((code, name, cell.value, cell.source, cell.is_estimate))
    return pd.DataFrame.from_records(
        rows, columns=["target_group", "target_group_name", "amount", "source", "is_estimate"]
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


def latest_bands(*, user, run, cells: pd.DataFrame, year: int, group: str | None):
    """The latest finished sweep's bands of one group next to the run's own fair share.

    Returns (group code shown, the group codes with bands, frame) or (None, [], None).
    """
    rows = latest_sweep_bands(user=user, scenario_id=run.scenario_id, year=year)
    if rows is None:
        return None, [], None
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
    """The region's cumulative fair share and realisation per year, once monitoring has data.

    The monitoring dashboard's `cumulative`, from the fair share summed per year in SQL: the
    chart needs no cell of the region, and reading every cell costs most at hundreds of
    municipalities. `year` is the page's; the sums run from the first approved year.
    """
    from monitoring import selectors as monitoring

    realised = monitoring.realised_frame(user=user)
    cumulative = cumulative_by_year(
        approved_fair_share_per_year(user=user), realised.groupby("year")["realised"].sum()
    )
    if cumulative.empty or not cumulative["realised"].any():
        return None
    return cumulative


def approved_fair_share_per_year(*, user) -> pd.Series:
    """The region's approved fair share per year, an adopted negotiation outcome's number in
    place of the run's for the cells it covers (as `monitoring.selectors.approved_fair_shares`)."""
    from negotiation.selectors import prefer_adopted_targets

    per_year = pd.Series(
        dict(
            approved_fair_share_rows(user=user)
            .values("year")
            .annotate(total=Sum("quota"))
            .order_by()
            .values_list("year", "total")
        ),
        dtype=float,
    )
    # Given no cells, the adoption gives its own; few, so their run's quota is read per cell.
    adopted = prefer_adopted_targets(pd.DataFrame(columns=APPROVED_FAIR_SHARE_COLUMNS), user=user)
    if adopted.empty:
        return per_year
    key = ["municipality_id", "target_group_id", "year"]
    replaced = approved_fair_shares(
        user=user,
        years=sorted(set(adopted["year"])),
        municipality_ids=sorted(set(adopted["municipality_id"])),
    ).merge(adopted[key], on=key)
    change = (
        adopted.groupby("year")["quota"]
        .sum()
        .astype(float)
        .sub(replaced.groupby("year")["quota"].sum().astype(float), fill_value=0.0)
    )
    return per_year.add(change, fill_value=0.0)


def cumulative_by_year(fair_share: pd.Series, realised: pd.Series) -> pd.DataFrame:
    """Per year from the first with a fair share up to the horizon: the fair share and the
    realised placements (each a series by year), and their sums so far."""
    columns = ["year", "fair_share", "realised", "cumulative_fair_share", "cumulative_realised"]
    if fair_share.empty:
        return pd.DataFrame(columns=columns)
    years = range(int(fair_share.index.min()), HORIZON_YEAR + 1)
    frame = (
        pd.DataFrame({"fair_share": fair_share, "realised": realised})
        .reindex(years, fill_value=0.0)
        .fillna(0.0)
    )
    frame["cumulative_fair_share"] = frame["fair_share"].cumsum()
    frame["cumulative_realised"] = frame["realised"].cumsum()
    return frame.rename_axis("year").reset_index()[columns]


def cell_explanation(*, user, run, slug: str, group: str, year: int):
    """One result cell and the numbers that went into it, read from the run's snapshot, each
    marked with today's value where that differs."""
    result = run_result(user=user, run=run, slug=slug, group=group, year=year)
    cell = cell_inputs_with_live(
        user=user, run=run, municipality=result.municipality, group=group, year=year
    )
    return result, cell
