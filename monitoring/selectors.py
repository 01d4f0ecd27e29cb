"""Read queries of monitoring: fair share vs agreed vs realised, carry-over, turnover, grids.

Rules the dashboard shows (and the engine's carry-over uses):

- Realised placements of a group in a municipality in a quarter are what the municipality
  reported (`Realisation`). Where it has not reported that quarter yet, the corporations'
  allocation reports (`AllocationReport`) of that quarter count instead. Both are shown side by
  side; they are never added up, because they describe the same placements.
- Placements the regional mediation table decided and both the receiving municipality and the
  corporation confirmed count as the receiving municipality's realisation in the quarter of the
  second confirmation (`via_mediation`, "via bemiddelingstafel"). They are placements the
  municipality and the corporation count in their own reports too, so they are never added to
  them: a quarter counts the larger of the two (`register_realisation_source`).
- Carry-over, like the national status-holder taakstelling: over the earlier years of the same
  approved run, a municipality's shortfall (fair share minus realised) is added to its next year
  (arrears, positive) and a surplus counts as an advance (negative). A run for a new period takes
  the previous run's whole balance into its first year (the engine's carry-over), so monitoring
  never counts a settled period again.
- This year's target is the fair share plus the carry-over. By quarter q, q/4 of it is expected.
  Status: "op koers" when realised is within the tolerance of expected (10% of expected, at
  least 1 placement), "achter" below it, "voor" above it.
- Urgent placements vs turnover: all placements of target groups up to the quarter, divided by
  the same part (q/4) of the year's social-rent turnover; the limit is the cap share of the
  approved run covering the year (the default, one third, before any approval).
"""

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from allocation.selectors import (
    APPROVED_FAIR_SHARE_COLUMNS,
    DEFAULT_CAP_SHARE,
    approved_cap_share,
    approved_fair_share_rows,
)
from allocation.selectors import approved_fair_shares as allocation_fair_shares
from gmr_thuis.charts import fmt
from gmr_thuis.permissions import SYSTEM, VIEW
from gmr_thuis.years import FIRST_YEAR
from monitoring.models import (
    HORIZON_YEAR,
    AgreementStatus,
    AllocationReport,
    HousingPlan,
    LocalAgreement,
    Objection,
    Realisation,
)
from municipalities import concentration as concentration_check
from municipalities.models import (
    ConcentrationSettings,
    Indicator,
    Municipality,
    MunicipalityFigure,
    Neighbourhood,
    NeighbourhoodBoundaries,
    NeighbourhoodFigure,
    NeighbourhoodIndicator,
    TargetGroup,
)

TOLERANCE_SHARE = 0.10
TOLERANCE_MINIMUM = 1.0

STATUS_LABELS = {
    "ahead": _("voor"),
    "on_track": _("op koers"),
    "behind": _("achter"),
    "no_fair_share": _("geen fair share"),
}

CELL = ["municipality_id", "target_group_id"]


def approved_fair_shares(*, user, years=None, municipality_ids=None) -> pd.DataFrame:
    """The region's approved fair share, from the runs (read through allocation's selectors);
    an adopted negotiation outcome (afsprakenkader) is the agreed target where it exists."""
    from negotiation.selectors import prefer_adopted_targets

    frame = allocation_fair_shares(user=user, years=years, municipality_ids=municipality_ids)
    return prefer_adopted_targets(frame, user=user, years=years, municipality_ids=municipality_ids)


def agreed_target_justification(*, user, municipality, target_group, year):
    """Where the agreed target comes from when a negotiation outcome was adopted: its fair
    share, the exchanges and building blocks (negotiation.selectors.adopted_justification)."""
    from negotiation.selectors import adopted_justification

    return adopted_justification(
        user=user, municipality=municipality, target_group=target_group, year=year
    )


def _fair_share_cells(user, municipality_ids=None, years=None) -> pd.DataFrame:
    frame = approved_fair_shares(user=user, years=years, municipality_ids=municipality_ids)
    columns = [*CELL, "year", "quota", "run_id"]
    if frame.empty:
        return pd.DataFrame(columns=columns).astype(int)
    return frame[columns].astype({"quota": float})


# Other apps' counts of the same placements (the mediation table's confirmed placements): a
# function of (municipality_ids) -> frame of CELL, year, quarter and its own column.
_REALISATION_SOURCES = {}
_NEIGHBOURHOOD_SOURCES = {}


def register_realisation_source(column, source, *, per_neighbourhood=None):
    """A further count of placements, shown as `column`: the quarter counts at least that many
    (its placements are among the ones the municipality and the corporations report).

    `per_neighbourhood`, a function of (municipality_ids) -> frame of CELL, year, quarter,
    neighbourhood_id and `column`, feeds the same placements to the concentration check."""
    _REALISATION_SOURCES[column] = source
    if per_neighbourhood is not None:
        _NEIGHBOURHOOD_SOURCES[column] = per_neighbourhood


def realised_frame(*, user, municipality_ids=None) -> pd.DataFrame:
    """Per municipality × group × year × quarter: reported, by_corporations, the registered
    sources (via_mediation) and realised."""
    reported = Realisation.objects.restrict(user, VIEW)
    reports = AllocationReport.objects.restrict(user, VIEW)
    if municipality_ids is not None:
        reported = reported.filter(municipality_id__in=municipality_ids)
        reports = reports.filter(municipality_id__in=municipality_ids)
    key = [*CELL, "year", "quarter"]
    # A quarter's records (one without a neighbourhood, one per neighbourhood) add up.
    municipal = (
        pd.DataFrame(list(reported.values(*key, "placements")), columns=[*key, "placements"])
        .groupby(key, as_index=False)["placements"]
        .sum()
        .rename(columns={"placements": "reported"})
    )
    corporate = pd.DataFrame(
        [
            {
                "municipality_id": r.municipality_id,
                "target_group_id": r.target_group_id,
                "year": r.date.year,
                "quarter": r.quarter,
                "by_corporations": r.count,
            }
            for r in reports.only("municipality_id", "target_group_id", "date", "count")
        ],
        columns=[*key, "by_corporations"],
    )
    corporate = corporate.groupby(key, as_index=False)["by_corporations"].sum()
    frame = municipal.merge(corporate, on=key, how="outer")
    frame["realised"] = frame["reported"].combine_first(frame["by_corporations"])
    readable = Municipality.objects.restrict(user, VIEW).values_list("pk", flat=True)
    if municipality_ids is not None:
        readable = readable.filter(pk__in=municipality_ids)
    for column, source in _REALISATION_SOURCES.items():
        counted = source(readable)[[*key, column]]
        frame = frame.merge(counted, on=key, how="outer")
        # np.fmax ignores a missing count: the larger of the two where both exist.
        frame["realised"] = np.fmax(frame["realised"].astype(float), frame[column].astype(float))
    return frame.astype({"realised": float})


def _balance(
    fair: pd.DataFrame, realised: pd.DataFrame, year: int, *, period_start: bool = False
) -> pd.DataFrame:
    """Arrears (+) or advance (−) per cell from the fair-share years before `year`.

    Only the years of one approved run count: the run covering `year` (or, for a new period's
    first year, the run covering the year before; `period_start` always takes that one, as a run
    for a new period starting at `year` does). A run's first-year quotas already contain the
    previous period's balance (the engine's carry-over), so counting older years again would
    charge the same arrears twice.
    """
    runs_by_year = fair.drop_duplicates("year").set_index("year")["run_id"]
    previous_run = runs_by_year.get(year - 1)
    run_id = previous_run if period_start else runs_by_year.get(year, previous_run)
    years = sorted(y for y in fair["year"].unique() if y < year and runs_by_year.get(y) == run_id)
    owed = fair[fair["year"].isin(years)].groupby(CELL)["quota"].sum()
    done = realised[realised["year"].isin(years)].groupby(CELL)["realised"].sum()
    balance = owed.sub(done, fill_value=0).rename("carry_over")
    return balance.reset_index() if len(balance) else pd.DataFrame(columns=[*CELL, "carry_over"])


def carry_over_frame(*, year: int, user, period_start: bool = False) -> pd.DataFrame:
    """The engine's carry-over input: index cbs_code, columns target-group code, value arrears
    (+, fair share not yet realised) or advance (−) from the years before `year`.

    An engine run for a period starting at `year` passes `period_start=True` (the previous run's
    whole balance, even when a run for this period was approved already) and
    `gmr_thuis.permissions.SYSTEM` as the user: the region's computation sees it all."""
    # `_balance` reads the years before `year` and, for a year within a period, the run that
    # covers `year`: the approved years after it (most of a period) need not be read.
    fair = _fair_share_cells(user, years=range(FIRST_YEAR, year if period_start else year + 1))
    if fair.empty:
        # No approved year before it (a first period): nothing to carry, and nothing realised
        # to read. The frame the balance gives when it is empty.
        return pd.DataFrame(
            index=pd.Index([], dtype="str", name="cbs_code"),
            columns=pd.Index([], dtype="str", name="target_group_code"),
        )
    balance = _balance(fair, realised_frame(user=user), year, period_start=period_start)
    codes = dict(Municipality.objects.restrict(user, VIEW).values_list("id", "cbs_code"))
    groups = dict(TargetGroup.objects.restrict(user, VIEW).values_list("id", "code"))
    balance = balance[
        balance["municipality_id"].isin(codes) & balance["target_group_id"].isin(groups)
    ]
    frame = balance.assign(
        cbs_code=balance["municipality_id"].map(codes),
        target_group_code=balance["target_group_id"].map(groups),
    ).pivot_table(
        index="cbs_code",
        columns="target_group_code",
        values="carry_over",
        aggfunc="sum",
        fill_value=0.0,
    )
    frame.index.name, frame.columns.name = "cbs_code", "target_group_code"
    return frame


def carry_over_for_scenario(scenario) -> dict:
    """The carry-over provider allocation's runs take (registered in `MonitoringConfig.ready`):
    {cbs_code: {group: arrears or advance}} before the scenario's first year, non-zero only."""
    frame = carry_over_frame(year=scenario.first_year, user=SYSTEM, period_start=True)
    return {
        code: {group: round(float(value), 6) for group, value in row.items() if value}
        for code, row in frame.to_dict(orient="index").items()
        if any(row.values())
    }


def expected_by(target, quarter):
    """The part of the year's target due by the end of `quarter`; an advance larger than the
    target expects nothing. Vectorised over arrays."""
    return np.maximum(np.asarray(target, dtype=float), 0) * quarter / 4


def progress_status(target, realised, quarter):
    """Status codes per cell (see the module docstring); vectorised over arrays."""
    expected = expected_by(target, quarter)
    gap = np.asarray(realised, dtype=float) - expected
    tolerance = np.maximum(expected * TOLERANCE_SHARE, TOLERANCE_MINIMUM)
    return np.where(gap < -tolerance, "behind", np.where(gap > tolerance, "ahead", "on_track"))


@dataclass
class Dashboard:
    year: int
    quarter: int
    progress: pd.DataFrame  # municipality × group
    group_totals: pd.DataFrame  # per group, the region
    cumulative: pd.DataFrame  # per year up to the horizon, the region
    turnover: pd.DataFrame  # per municipality: urgent placements vs turnover
    cap_share: Fraction = DEFAULT_CAP_SHARE  # the approved run's cap the placements are held to

    @property
    def cap_label(self) -> str:
        return f"{self.cap_share.numerator}/{self.cap_share.denominator}"


def _names(user):
    name_field = TargetGroup.name_field()
    municipalities = pd.DataFrame(
        list(Municipality.objects.restrict(user).values("id", "name", "slug", "cbs_code")),
        columns=["id", "name", "slug", "cbs_code"],
    ).rename(columns={"id": "municipality_id", "name": "municipality"})
    groups = pd.DataFrame(
        list(TargetGroup.objects.restrict(user).values("id", "code", name_field, "sort_order")),
        columns=["id", "code", name_field, "sort_order"],
    ).rename(columns={"id": "target_group_id", name_field: "target_group", "code": "group_code"})
    return municipalities, groups


def _summed_fair_share_cells(user) -> pd.DataFrame:
    """`_fair_share_cells` for what only sums them (the dashboard): the same cells, read as
    tuples in the database's order. A region of 342 municipalities has some 30,000 cells, and
    reading them as dicts sorted by code took most of the dashboard's time."""
    from negotiation.selectors import prefer_adopted_targets

    rows = approved_fair_share_rows(user=user).values_list(*APPROVED_FAIR_SHARE_COLUMNS)
    frame = pd.DataFrame(list(rows), columns=APPROVED_FAIR_SHARE_COLUMNS)
    frame = prefer_adopted_targets(frame, user=user)
    return frame[[*CELL, "year", "quota", "run_id"]].astype({"quota": float})


def dashboard(*, user, year: int, quarter: int = 4) -> Dashboard:
    """Everything "Voortgang fair share" shows for a year up to and including a quarter."""
    municipalities, groups = _names(user)
    cap_share = approved_cap_share(user=user, year=year)
    fair = _summed_fair_share_cells(user)
    realised = realised_frame(user=user)
    progress = _progress(user, fair, realised, year, quarter, municipalities, groups)
    totals = (
        progress.groupby(["sort_order", "target_group"], as_index=False)[
            ["fair_share", "carry_over", "agreed", "realised", "expected"]
        ]
        .sum()
        .drop(columns="sort_order")
    )
    return Dashboard(
        year=year,
        quarter=quarter,
        progress=progress,
        group_totals=totals,
        cumulative=_cumulative(fair, realised),
        turnover=_turnover(user, progress, year, quarter, municipalities, cap_share),
        cap_share=cap_share,
    )


def _progress(user, fair, realised, year, quarter, municipalities, groups):
    agreements = pd.DataFrame(
        list(
            LocalAgreement.objects.restrict(user)
            .filter(year=year)
            .values(*CELL, "agreed_number", "status")
        ),
        columns=[*CELL, "agreed_number", "status"],
    )
    this_year = fair[fair["year"] == year].groupby(CELL, as_index=False)["quota"].sum()
    to_date = (
        realised[(realised["year"] == year) & (realised["quarter"] <= quarter)]
        .groupby(CELL, as_index=False)[["reported", "by_corporations", *_sources(realised)]]
        .sum(min_count=1)
    )
    cells = (
        this_year.merge(agreements, on=CELL, how="outer")
        .merge(to_date, on=CELL, how="outer")
        .merge(_balance(fair, realised, year), on=CELL, how="left")
    )
    cells = cells.merge(municipalities, on="municipality_id").merge(groups, on="target_group_id")
    cells["has_fair_share"] = cells["quota"].notna()
    cells["fair_share"] = cells["quota"].fillna(0.0)
    cells["carry_over"] = cells["carry_over"].astype(float).fillna(0.0)
    # Only an approved local agreement counts as agreed; the status column shows the rest.
    approved = cells["status"] == AgreementStatus.APPROVED
    cells["agreed"] = cells["agreed_number"].where(approved).astype(float).fillna(0.0)
    # Labels translated once per status, not once per cell.
    agreement_labels = {code: str(label) for code, label in AgreementStatus.choices}
    cells["agreement_status"] = [agreement_labels.get(code, "") for code in cells["status"]]
    cells["realised"] = cells["realised"].astype(float).fillna(0.0)
    for column in _REALISATION_SOURCES:
        cells[column] = cells[column].astype(float).fillna(0.0) if column in cells else 0.0
    cells["target"] = cells["fair_share"] + cells["carry_over"]
    cells["expected"] = expected_by(cells["target"], quarter)
    cells["status"] = np.where(
        cells["has_fair_share"],
        progress_status(cells["target"], cells["realised"], quarter),
        "no_fair_share",
    )
    cells["status_label"] = cells["status"].map(
        {code: str(label) for code, label in STATUS_LABELS.items()}
    )
    return cells.sort_values(["municipality", "sort_order"]).reset_index(drop=True)[
        [
            "municipality_id",
            "municipality",
            "slug",
            "cbs_code",
            "target_group_id",
            "group_code",
            "target_group",
            "sort_order",
            "fair_share",
            "carry_over",
            "target",
            "agreed",
            "agreement_status",
            "reported",
            "by_corporations",
            *_REALISATION_SOURCES,
            "realised",
            "expected",
            "status",
            "status_label",
        ]
    ]


def _sources(realised):
    return [*(column for column in _REALISATION_SOURCES if column in realised), "realised"]


def _cumulative(fair, realised):
    """Region totals per year up to the horizon: fair share and realised, and their sums."""
    if fair.empty:
        return pd.DataFrame(
            columns=[
                "year",
                "fair_share",
                "realised",
                "cumulative_fair_share",
                "cumulative_realised",
            ]
        )
    years = range(int(fair["year"].min()), HORIZON_YEAR + 1)
    frame = pd.DataFrame(
        {
            "fair_share": fair.groupby("year")["quota"].sum(),
            "realised": realised.groupby("year")["realised"].sum(),
        }
    ).reindex(years, fill_value=0.0)
    frame = frame.fillna(0.0)
    frame["cumulative_fair_share"] = frame["fair_share"].cumsum()
    frame["cumulative_realised"] = frame["realised"].cumsum()
    return frame.rename_axis("year").reset_index()


def _turnover(user, progress, year, quarter, municipalities, cap_share=DEFAULT_CAP_SHARE):
    figures = pd.DataFrame(
        list(
            MunicipalityFigure.objects.restrict(user)
            .filter(indicator=Indicator.TURNOVER, year__lte=year)
            .values("municipality_id", "year", "value", "is_estimate")
        ),
        columns=["municipality_id", "year", "value", "is_estimate"],
    )
    # The latest turnover figure up to the year; its year is shown next to it.
    latest = figures.sort_values("year").groupby("municipality_id").tail(1)
    placed = progress.groupby("municipality_id", as_index=False)["realised"].sum()
    frame = (
        municipalities.merge(placed, on="municipality_id", how="left")
        .merge(latest, on="municipality_id", how="left")
        .rename(columns={"year": "turnover_year", "value": "turnover", "realised": "placements"})
    )
    frame["placements"] = frame["placements"].fillna(0.0)
    frame["turnover"] = frame["turnover"].astype(float)
    available = frame["turnover"] * quarter / 4
    frame["share"] = frame["placements"] / available.where(available > 0)
    frame["share_percent"] = frame["share"] * 100
    # Exactly: placements / (turnover × q/4) > p/q  ⇔  placements × 4 × q > turnover × quarter × p.
    frame["over_limit"] = (
        frame["placements"] * 4 * cap_share.denominator
        > frame["turnover"] * quarter * cap_share.numerator
    ) & (available > 0)
    return frame.sort_values("municipality").reset_index(drop=True)


def agreement_rows(*, user, municipality, year):
    """Per target group: the approved fair share next to the local agreement (or None)."""
    fair = approved_fair_shares(user=user, years=[year], municipality_ids=[municipality.pk])
    quota = {} if fair.empty else fair.groupby("target_group_id")["quota"].sum().to_dict()
    agreements = {
        a.target_group_id: a
        for a in LocalAgreement.objects.restrict(user).filter(municipality=municipality, year=year)
    }
    return [
        {"group": group, "fair_share": quota.get(group.pk), "agreement": agreements.get(group.pk)}
        for group in TargetGroup.objects.restrict(user)
    ]


def objected_fair_shares(*, user, municipality, year):
    """Per target group the approved fair share of `year` that an objection would contest,
    with the run that computed it (for its explanation); empty before the region approves one."""
    frame = approved_fair_shares(user=user, years=[year], municipality_ids=[municipality.pk])
    if frame.empty:
        return []
    cells = frame.groupby("target_group_id").agg(quota=("quota", "sum"), run_id=("run_id", "max"))
    groups = TargetGroup.objects.restrict(user).filter(pk__in=cells.index)
    return [
        {
            "group": group,
            "quota": int(cells.at[group.pk, "quota"]),
            "run_id": None
            if pd.isna(cells.at[group.pk, "run_id"])
            else int(cells.at[group.pk, "run_id"]),
        }
        for group in groups
    ]


def realisation_rows(*, user, municipality, year):
    """Per target group: the four quarters, each with the municipality's record (the one
    without a neighbourhood; per-neighbourhood records come from the import) and what the
    corporations reported."""
    records = {
        (r.target_group_id, r.quarter): r
        for r in Realisation.objects.restrict(user).filter(
            municipality=municipality, year=year, neighbourhood__isnull=True
        )
    }
    reported = realised_frame(user=user, municipality_ids=[municipality.pk])
    reported = reported[reported["year"] == year].set_index(["target_group_id", "quarter"])
    by_corporations = reported["by_corporations"].dropna().to_dict()
    return [
        {
            "group": group,
            "quarters": [
                {
                    "quarter": quarter,
                    "record": records.get((group.pk, quarter)),
                    "by_corporations": by_corporations.get((group.pk, quarter)),
                }
                for quarter in range(1, 5)
            ],
        }
        for group in TargetGroup.objects.restrict(user)
    ]


def housing_plans(*, user, municipality):
    return HousingPlan.objects.restrict(user).filter(municipality=municipality)


def objections(*, user, municipality=None):
    queryset = Objection.objects.restrict(user).select_related(
        "municipality", "target_group", "lodged_by", "decided_by"
    )
    return queryset if municipality is None else queryset.filter(municipality=municipality)


def import_job_for(*, user, pk: int):
    """An import job of `user` (only its starter sees it), else 404."""
    from gmr_thuis.permissions import get_object_for
    from monitoring.models import ImportJob

    return get_object_for(user, ImportJob.objects.filter(started_by=user), pk=pk)


def import_job_progress(job) -> int:
    """How far the job is (0–100): the row's own figure, or the cache's while rows are written."""
    if job.is_finished:
        return job.progress
    from django.core.cache import cache

    from monitoring.services import import_job_progress_key

    return max(job.progress, cache.get(import_job_progress_key(job.pk)) or 0)


# ---- neighbourhood concentration -------------------------------------------------------------

REASON_LABELS = {
    concentration_check.CONCENTRATION: _("boven %(multiple)s× het gemiddelde van de gemeente"),
    concentration_check.FOCUS_AREA: _("focusgebied met bovengemiddeld veel plaatsingen"),
    concentration_check.WEAK_LIVEABILITY: _(
        "zwakke leefbaarheid (klasse %(class)s) met bovengemiddeld veel plaatsingen"
    ),
}


def concentration_thresholds(region) -> concentration_check.Thresholds:
    """The region's settings, or the documented defaults when it has none."""
    settings = ConcentrationSettings.objects.filter(region=region).first()
    settings = settings or ConcentrationSettings(region=region)
    return concentration_check.Thresholds(
        municipality_multiple=Fraction(settings.municipality_multiple),
        attention_multiple=Fraction(settings.attention_multiple),
        weak_liveability_class=settings.weak_liveability_class,
        years=settings.years,
    )


def _neighbourhood_frame(user, year, region):
    """One row per neighbourhood with each figure's latest value up to `year`."""
    neighbourhoods = (
        Neighbourhood.objects.restrict(user, VIEW)
        .filter(municipality__region=region)
        .select_related("municipality")
    )
    frame = pd.DataFrame(
        [
            {
                "neighbourhood": n.pk,
                "code": n.code,
                "name": n.name,
                "municipality": n.municipality_id,
                "municipality_name": n.municipality.name,
                "municipality_slug": n.municipality.slug,
            }
            for n in neighbourhoods
        ],
        columns=[
            "neighbourhood",
            "code",
            "name",
            "municipality",
            "municipality_name",
            "municipality_slug",
        ],
    )
    figures = pd.DataFrame(
        list(
            NeighbourhoodFigure.objects.filter(
                neighbourhood_id__in=frame["neighbourhood"].tolist(), year__lte=year
            ).values("neighbourhood_id", "year", "indicator", "value", "is_estimate")
        ),
        columns=["neighbourhood_id", "year", "indicator", "value", "is_estimate"],
    )
    latest = figures.sort_values("year").groupby(["neighbourhood_id", "indicator"]).last()
    values = latest["value"].astype(float).unstack("indicator")
    estimated = latest["is_estimate"].groupby("neighbourhood_id").any()
    for indicator in NeighbourhoodIndicator.values:
        column = values[indicator] if indicator in values else pd.Series(dtype=float)
        frame[indicator] = frame["neighbourhood"].map(column)
    frame["focus_area"] = frame["focus_area"].eq(1)
    frame["is_estimate"] = frame["neighbourhood"].map(estimated).fillna(False).astype(bool)
    return frame


def _neighbourhood_placements(user, region):
    """Placements with a neighbourhood, per neighbourhood and year: the municipality's records
    where it reported any with a neighbourhood in that cell, else the corporations'; the
    registered sources (the mediation table's confirmed placements in an offer's neighbourhood)
    count where they are more."""
    key = [*CELL, "year", "quarter"]
    in_region = {"neighbourhood__isnull": False, "municipality__region": region}
    reported = Realisation.objects.restrict(user, VIEW).filter(**in_region)
    reports = AllocationReport.objects.restrict(user, VIEW).filter(**in_region)
    columns = [*key, "neighbourhood_id", "placements"]
    municipal = pd.DataFrame(list(reported.values(*columns)), columns=columns)
    corporate = pd.DataFrame(
        [
            (
                r.municipality_id,
                r.target_group_id,
                r.date.year,
                r.quarter,
                r.neighbourhood_id,
                r.count,
            )
            for r in reports.only(
                "municipality_id", "target_group_id", "date", "neighbourhood_id", "count"
            )
        ],
        columns=columns,
    )
    if len(municipal) and len(corporate):
        reported_cells = pd.MultiIndex.from_frame(municipal[key])
        corporate = corporate[~pd.MultiIndex.from_frame(corporate[key]).isin(reported_cells)]
    placements = pd.concat([municipal, corporate], ignore_index=True)
    placements = placements.groupby([*key, "neighbourhood_id"], as_index=False)["placements"].sum()
    readable = Municipality.objects.restrict(user, VIEW).filter(region=region)
    readable = readable.values_list("pk", flat=True)
    for column, source in _NEIGHBOURHOOD_SOURCES.items():
        # The same placements as the reports (the mediation table's confirmed placements): a
        # quarter's neighbourhood counts the larger of the two, never their sum.
        counted = source(readable)[[*key, "neighbourhood_id", column]]
        placements = placements.merge(counted, on=[*key, "neighbourhood_id"], how="outer")
        placements["placements"] = np.fmax(
            placements["placements"].astype(float), placements[column].astype(float)
        )
        placements = placements.drop(columns=column)
    placements["placements"] = placements["placements"].fillna(0).astype("int64")
    return (
        placements.groupby(["neighbourhood_id", "year"], as_index=False)["placements"]
        .sum()
        .rename(columns={"neighbourhood_id": "neighbourhood"})
    )


def _reason_text(reasons, thresholds, liveability):
    parts = []
    for code in reasons:
        parts.append(
            str(REASON_LABELS[code])
            % {
                "multiple": fmt(float(thresholds.municipality_multiple), 2),
                "class": fmt(liveability),
            }
        )
    return "; ".join(parts)


def neighbourhood_concentration(*, user, region, year: int, municipality_ids=None) -> pd.DataFrame:
    """The concentration check of `concentration_check.concentration` for the region's
    neighbourhoods `user` may see (then narrowed to `municipality_ids`: the region's rate stays
    the whole region's), with names, the window and each flag's reason in words."""
    thresholds = concentration_thresholds(region)
    neighbourhoods = _neighbourhood_frame(user, year, region)
    placements = _neighbourhood_placements(user, region)
    result = concentration_check.concentration(
        neighbourhoods, placements, year=year, thresholds=thresholds
    )
    names = neighbourhoods.set_index("neighbourhood")
    for column in (
        "code",
        "name",
        "municipality_name",
        "municipality_slug",
        "inhabitants",
        "is_estimate",
    ):
        result[column] = result["neighbourhood"].map(names[column])
    result["reason_text"] = [
        _reason_text(r, thresholds, lbm)
        for r, lbm in zip(result["reasons"], result["liveability_class"], strict=True)
    ]
    if municipality_ids is not None:
        result = result[result["municipality"].isin(municipality_ids)].reset_index(drop=True)
    window = concentration_check.window(year, thresholds.years)
    result.attrs.update(first_year=window.start, last_year=window.stop - 1, thresholds=thresholds)
    return result


def neighbourhood_boundaries(*, user, region) -> NeighbourhoodBoundaries | None:
    """The region's imported district boundaries (GeoJSON features and their source)."""
    return NeighbourhoodBoundaries.objects.restrict(user, VIEW).filter(region=region).first()


def flagged_neighbourhoods(*, user, region, year: int) -> list[dict]:
    """The flagged neighbourhoods of the region (all municipalities the user sees), worst first."""
    result = neighbourhood_concentration(user=user, region=region, year=year)
    flagged = result[result["flagged"]]
    columns = [
        "code",
        "name",
        "municipality_name",
        "municipality_slug",
        "placements",
        "rate_per_1000",
        "municipality_rate",
        "reason_text",
    ]
    return flagged[columns].to_dict("records")


def with_neighbourhood_flags(offers: pd.DataFrame, *, user, region, year: int) -> pd.DataFrame:
    """The mediation matcher's offer columns `neighbourhood_flagged` and
    `neighbourhood_flag_reason` (mediation.matching), filled from the concentration check: an
    offer in a flagged wijk, or in a buurt of one, is disfavoured with the flag's reason."""
    reasons = {
        row["code"]: row["reason_text"]
        for row in flagged_neighbourhoods(user=user, region=region, year=year)
    }

    def reason_of(code):
        code = code if isinstance(code, str) else ""
        # A buurt (BU02020101) lies in the wijk of its first eight characters (WK020201).
        return reasons.get(code) or reasons.get(f"WK{code[2:8]}" if code.startswith("BU") else "")

    found = [reason_of(code) for code in offers.get("neighbourhood", [None] * len(offers))]
    return offers.assign(
        neighbourhood_flagged=[bool(reason) for reason in found],
        neighbourhood_flag_reason=[reason or "" for reason in found],
    )
