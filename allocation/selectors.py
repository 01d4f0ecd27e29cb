"""Reads of the fair-share allocation: runs explained from their snapshot, results, approvals,
comparisons. Other apps read allocation through this module only; the ORM -> engine adapter
lives in `allocation.inputs` and is re-exported here."""

import time
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd
from django.db.models import F, Q
from django.utils.translation import gettext as _

from allocation.engine import DEFAULT_CAP_SHARE  # noqa: F401  (read by monitoring)
from allocation.engine import RESULT_COLUMNS as ENGINE_RESULT_COLUMNS
from allocation.inputs import (  # noqa: F401  (the adapter, read through selectors by other apps)
    CAPACITY_COLUMNS,
    CARRIED_CARE_TYPES,
    INHABITANTS_75_PLUS,
    NEW_CONSTRUCTION_KEY,
    PROVENANCE_KEY,
    EngineInputs,
    InputsFingerprint,
    InputsIncomplete,
    allocation_inputs,
    cap_share_text,
    carried_columns,
    engine_inputs,
    engine_methodology,
    input_differences,
    inputs_hash,
    methodology_settings,
    needed_columns,
    previous_period_carry_over,
    register_carry_over,
    register_new_construction,
    scenario_inputs,
    settings_cap_share,
)
from allocation.labels import input_label, labelled_differences  # noqa: F401  (read by views)
from allocation.models import (
    AllocationResult,
    AllocationRun,
    Approval,
    RunStatus,
    Scenario,
    SensitivityBand,
    SensitivitySweep,
    key_indicator_choices,
)
from gmr_thuis import pagecache
from gmr_thuis.permissions import VIEW, get_object_for
from municipalities.models import (
    Indicator,
    Municipality,
    MunicipalityFigure,
    TargetGroup,
)


def run_finished(run: AllocationRun, *, timeout: float) -> AllocationRun | None:
    """The run once it is no longer queued or running (read again every half second), or None
    when `timeout` seconds passed first; for commands that start a run and wait for it."""
    deadline = time.monotonic() + timeout
    while run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        if time.monotonic() > deadline:
            return None
        time.sleep(0.5)
        run = AllocationRun.objects.get(pk=run.pk)
    return run


def scenario_list(*, user):
    return Scenario.objects.restrict(user, VIEW).select_related("methodology", "region")


def run_list(*, user, scenario: Scenario | None = None):
    runs = AllocationRun.objects.restrict(user, VIEW).select_related("scenario", "started_by")
    return runs.filter(scenario=scenario) if scenario is not None else runs


def run_changes_since(*, user, run: AllocationRun) -> list[tuple[str, object, object]]:
    """What differs between the inputs a run used and the scenario's inputs today, as far as
    the user may read those inputs."""
    return live_changes(user=user, run=run)


LIVE_INPUTS = "allocation:scenario-inputs"


@dataclass(frozen=True)
class SnapshotSummary:
    """What the run page reads of a run's snapshot besides its tables: whether it has one, its
    cap share, its fingerprint (None without a snapshot)."""

    has_inputs: bool
    cap_share: Fraction
    fingerprint: InputsFingerprint | None


def run_snapshot_summary(run: AllocationRun) -> SnapshotSummary:
    """The run's `SnapshotSummary`, kept per finished run: its snapshot never changes, so a
    view reads (and hashes) a national region's snapshot once, not after every write."""

    def summary():
        return SnapshotSummary(
            has_inputs=bool(run.inputs),
            cap_share=run_cap_share(run),
            fingerprint=None
            if run.inputs is None
            else InputsFingerprint.of(run.inputs, numbers=run.input_hash),
        )

    if not run.is_finished:
        return summary()
    finished = run.finished_at.isoformat() if run.finished_at else ""
    return pagecache.kept(
        "allocation:snapshot", parts=(run.pk, run.status, finished, run.input_hash), compute=summary
    )


def _changed_live_inputs(run: AllocationRun, *, carry_over: bool) -> dict | None:
    """The scenario's inputs today when they may differ from the run's snapshot, else None.

    Whether they differ is read from the fingerprint of today's inputs, computed once per data
    generation of the region (every write a page can show bumps it: a figure, a task, the
    method, an approval, a realisation) and shared by every reader, against the run's stored
    hash: a view of an unchanged run builds no inputs. Only a difference costs the build that
    lists it.

    `carry_over=False` compares with the previous period's balance as the run took it. It
    does not need the providers of the balance: where nobody computed the fingerprint yet, it
    builds those cheaper inputs and lets the detailed comparison decide.
    """
    scenario = run.scenario
    snapshot = run_snapshot_summary(run).fingerprint
    if not carry_over:
        live = pagecache.shared_if_stored(
            LIVE_INPUTS, region_id=scenario.region_id, parts=(scenario.pk,)
        )
        if live is not None and snapshot.unchanged_in(live):
            return None
        run_carry_over = run.inputs.get("carry_over", {}).get(str(run.first_year))
        if run_carry_over is not None:
            return scenario_inputs(scenario=scenario, carry_over=run_carry_over)
    built = {}

    def fingerprint():
        built["inputs"] = scenario_inputs(scenario=scenario)
        return InputsFingerprint.of(built["inputs"])

    live = pagecache.shared(
        LIVE_INPUTS, region_id=scenario.region_id, parts=(scenario.pk,), compute=fingerprint
    )
    if snapshot.unchanged_in(live):
        return None
    return built.get("inputs") or scenario_inputs(scenario=scenario)


def visible_differences(*, user, differences: list) -> list[tuple[str, object, object]]:
    """Leave out the differences in a municipality's figures the user may not read.

    A run's inputs hold every municipality's figures; a user scoped to some municipalities
    (a corporation) learns no other municipality's figures from a comparison either.
    """
    if not differences:
        return []
    readable = set(
        MunicipalityFigure.objects.restrict(user, VIEW)
        .values_list("municipality__cbs_code", flat=True)
        .distinct()
    )
    # A difference of a whole table (the provided new construction appearing or going) names
    # every municipality in it: shown only to who may read them all.
    whole_table = object()

    def municipality_of(path):
        match path.split("."):
            case ["indicators" | "carried", cbs_code, *_rest]:
                return cbs_code
            case ["sources", "indicators", cbs_code, *_rest]:
                return cbs_code
            case ["carry_over" | "new_construction", _year, cbs_code, *_rest]:
                return cbs_code
            case ["sources", "new_construction", _year, cbs_code, *_rest]:
                return cbs_code
            case ["new_construction", *_rest] | ["sources", "new_construction", *_rest]:
                return whole_table
        return None

    def visible(path, before, after):
        code = municipality_of(path)
        if code is whole_table:
            return _cbs_codes_in(before) | _cbs_codes_in(after) <= readable
        return code is None or code in readable

    return [
        (path, before, after) for path, before, after in differences if visible(path, before, after)
    ]


def _cbs_codes_in(value) -> set:
    """The municipality codes that key a nested table of a snapshot ({year: {cbs: ...}})."""
    if not isinstance(value, dict):
        return set()
    codes = {key for key in value if isinstance(key, str) and key.startswith("GM")}
    for inner in value.values():
        codes |= _cbs_codes_in(inner)
    return codes


# --- a run explained from its snapshot ---------------------------------------------------------


def run_methodology(run: AllocationRun) -> dict:
    """The methodology the run computed with, from its snapshot; `cap_share` as a Fraction."""
    settings = dict((run.inputs or {}).get("methodology") or {})
    settings["rules"] = settings.get("rules") or {}
    settings["cap_share"] = settings_cap_share(settings)
    return settings


def run_cap_share(run: AllocationRun) -> Fraction:
    return run_methodology(run)["cap_share"]


def run_counts_under_cap(run: AllocationRun) -> dict[str, bool]:
    """Per group code whether its fair share counts under the cap, as the run computed it."""
    return {code: bool(rule.get("capped")) for code, rule in run_methodology(run)["rules"].items()}


@dataclass
class CellInput:
    """One number a run used for a cell, with its source and estimate mark as the run stored
    them, and today's value when that differs (None when unchanged)."""

    code: str
    label: str
    value: float
    source: str
    is_estimate: bool
    weight: float | None = None
    live: object = None
    path: str = ""

    @property
    def changed(self) -> bool:
        return self.live is not None


@dataclass
class CellInputs:
    rule: dict
    inputs: list[CellInput]
    task: CellInput | None

    @property
    def changed(self) -> list[CellInput]:
        return [i for i in [self.task, *self.inputs] if i is not None and i.changed]


def _provenance(snapshot: dict, *path) -> tuple[str, bool]:
    node = snapshot.get(PROVENANCE_KEY) or {}
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return "", False
    source, is_estimate = node
    return source, bool(is_estimate)


def cell_inputs(
    run: AllocationRun, municipality: Municipality, group: str, year: int
) -> CellInputs:
    """The numbers that went into one cell, read from the run's snapshot only: the group's rule,
    each key figure with its weight, the clients already carried (when corrected for), and the
    regional task, each with the source and estimate mark stored with the run."""
    snapshot = run.inputs or {}
    code = municipality.cbs_code
    rule = run_methodology(run)["rules"].get(group, {})
    values = (snapshot.get("indicators") or {}).get(code, {})
    labels = dict(key_indicator_choices())
    wanted = {name: weight for name, weight in rule.get("key", {}).items() if weight}
    if rule.get("capped"):
        for column in (Indicator.TURNOVER.value, *CAPACITY_COLUMNS):
            wanted.setdefault(column, None)
    if rule.get("correct_for_carried"):
        for column in carried_columns(group):
            wanted.setdefault(column, None)
    inputs = []
    for name, weight in wanted.items():
        item = _provided_new_construction(snapshot, code, year, name, labels)
        if item is None and name in values:
            item = CellInput(
                name,
                str(labels.get(name, name)),
                values[name],
                *_provenance(snapshot, "indicators", code, name),
                weight=weight,
                path=f"indicators.{code}.{name}",
            )
        if item is not None:
            inputs.append(item)
    return CellInputs(rule=rule, inputs=inputs, task=cell_task(run, group, year))


def _provided_new_construction(snapshot, code, year, name, labels) -> CellInput | None:
    """The room for new construction of a year where the projects' expected deliveries gave it
    (allocation.inputs), with their source; None where the static figure was used."""
    if name != Indicator.NEW_CONSTRUCTION.value:
        return None
    homes = (snapshot.get(NEW_CONSTRUCTION_KEY) or {}).get(str(year), {}).get(code)
    if homes is None:
        return None
    return CellInput(
        name,
        _("%(label)s in %(year)s") % {"label": labels.get(name, name), "year": year},
        homes,
        *_provenance(snapshot, NEW_CONSTRUCTION_KEY, str(year), code),
        path=f"{NEW_CONSTRUCTION_KEY}.{year}.{code}",
    )


def cell_task(run: AllocationRun, group: str, year: int) -> CellInput | None:
    """The regional task of a group and year as the run's snapshot holds it."""
    snapshot = run.inputs or {}
    amount = (snapshot.get("tasks") or {}).get(str(year), {}).get(group)
    if amount is None:
        return None
    return CellInput(
        "task",
        _("Regionale opgave %(year)s") % {"year": year},
        amount,
        *_provenance(snapshot, "tasks", str(year), group),
        path=f"tasks.{year}.{group}",
    )


def live_changes(*, user, run: AllocationRun, carry_over: bool = True) -> list:
    """What differs between the run's snapshot and the scenario's inputs today, as far as the
    user may read them: (path, run's value, today's value).

    `carry_over=False` leaves the previous period's balance as the run took it (a cheaper
    comparison of the figures, tasks and methodology only)."""
    if run_snapshot_summary(run).fingerprint is None:
        return []
    live = _changed_live_inputs(run, carry_over=carry_over)
    if live is None:
        return []
    return visible_differences(user=user, differences=input_differences(run.inputs, live))


def cell_inputs_with_live(*, user, run: AllocationRun, municipality, group, year) -> CellInputs:
    """`cell_inputs`, each number marked with today's value where that differs from the run's."""
    cell = cell_inputs(run, municipality, group, year)
    changes = {
        path: after for path, _before, after in live_changes(user=user, run=run, carry_over=False)
    }
    for item in [cell.task, *cell.inputs]:
        if item is not None and item.path in changes:
            item.live = changes[item.path] if changes[item.path] is not None else ""
    return cell


# The figures a run's supply shows, by the short names the dashboards use.
SUPPLY_INDICATORS = {
    Indicator.INHABITANTS.value: "inhabitants",
    Indicator.SOCIAL_RENT.value: "social_rent",
    Indicator.TURNOVER.value: "turnover",
    Indicator.NEW_CONSTRUCTION.value: "new_construction",
    Indicator.EXISTING_STOCK_OPTIONS.value: "existing_stock_options",
}
SUPPLY_COLUMNS = tuple(SUPPLY_INDICATORS.values())


def run_supply(run: AllocationRun, *, user, year: int | None = None) -> pd.DataFrame:
    """Per municipality the run's supply, from its snapshot and its stored room.

    Columns: cbs_code, the SUPPLY_COLUMNS figures the run used, `supply` (the room under the cap
    plus the new construction, as the run stored it with its capped cells) and `urgent_cap` (the
    part of it that is the cap's share of the turnover). Only municipalities the user may read.
    With `year`, that year's room and new construction (the projects' expected deliveries where
    the snapshot has them, `allocation.inputs.register_new_construction`).
    """
    snapshot = run.inputs or {}
    readable = set(Municipality.objects.restrict(user, VIEW).values_list("cbs_code", flat=True))
    figures = pd.DataFrame.from_dict(snapshot.get("indicators") or {}, orient="index")
    figures = figures.reindex(columns=list(SUPPLY_INDICATORS)).rename(columns=SUPPLY_INDICATORS)
    figures = figures.astype(float).fillna(0.0)
    figures = figures[figures.index.isin(readable)]
    provided = (snapshot.get(NEW_CONSTRUCTION_KEY) or {}).get(str(year), {}) if year else {}
    for code, homes in provided.items():
        if code in figures.index:
            figures.at[code, "new_construction"] = float(homes)
    stored = (
        AllocationResult.objects.restrict(user, VIEW)
        .filter(run=run, capacity__isnull=False, **({"year": year} if year else {}))
        .values_list("municipality__cbs_code", "capacity")
    )
    capacity = pd.Series(dict(stored), dtype=float)
    # A run without capped groups stored no room; the snapshot gives the same formula's answer.
    fallback = figures["turnover"] * float(run_cap_share(run)) + figures["new_construction"]
    figures["supply"] = capacity.reindex(figures.index).fillna(fallback)
    figures["urgent_cap"] = figures["supply"] - figures["new_construction"]
    figures.index.name = "cbs_code"
    return figures.reset_index()


def approved_cap_share(*, user, year: int) -> Fraction:
    """The cap share of the approved run that covers `year` (the latest current approval),
    else the default."""
    approval = (
        current_approvals(user=user)
        .filter(first_year__lte=year, last_year__gte=year)
        .order_by("-approved_at", "-pk")
        .first()
    )
    return run_cap_share(approval.run) if approval is not None else DEFAULT_CAP_SHARE


# The engine's explanation columns, stored per cell (municipality and group are foreign keys).
RESULT_COLUMNS = [c for c in ENGINE_RESULT_COLUMNS if c not in ("municipality", "target_group")]


def run_years(*, user, run: AllocationRun) -> list[int]:
    """The years of which the user may see results of the run, in order."""
    results = AllocationResult.objects.restrict(user, VIEW).filter(run=run)
    return list(results.order_by("year").values_list("year", flat=True).distinct())


def run_results(
    *, user, run: AllocationRun, year: int | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """A run's results the user may see, one row per municipality × group (× year), named in
    the page's language and ordered by year, municipality and the groups' own order.

    `columns`: the explanation columns to read (all by default; a table of fair shares needs
    only the quota, a fifth of the reading)."""
    group_name = f"target_group__{TargetGroup.name_field()}"
    names = {
        "municipality__name": "municipality",
        "municipality__slug": "slug",
        "municipality__cbs_code": "cbs_code",
        "target_group__code": "target_group",
        group_name: "target_group_name",
        "target_group__unit": "unit",
        "target_group__sort_order": "sort_order",
    }
    results = AllocationResult.objects.restrict(user, VIEW).filter(run=run)
    if year is not None:
        results = results.filter(year=year)
    columns = RESULT_COLUMNS if columns is None else columns
    fields = ["year", "municipality_id", "target_group_id", *names, *columns]
    rows = results.values_list(*fields).order_by(
        "year", "municipality__name", "target_group__sort_order", "target_group__code"
    )
    frame = pd.DataFrame.from_records(list(rows), columns=fields)
    return frame.rename(columns=names)


def ijktabel(results: pd.DataFrame, year: int) -> pd.DataFrame:
    """The calibration table of one year: municipalities as rows, groups as columns, totals."""
    year_results = results[results["year"] == year]
    order = (
        year_results.drop_duplicates("target_group")
        .sort_values(["sort_order", "target_group"])["target_group_name"]
        .tolist()
    )
    table = year_results.pivot_table(
        index="municipality", columns="target_group_name", values="quota", aggfunc="sum"
    ).reindex(columns=order)
    table = table.fillna(0)  # a cell without a stored result counts as none
    table[_("Totaal")] = table.sum(axis=1)
    table.loc[_("Regio")] = table.sum(axis=0)
    return table.astype("int64")


def run_comparison(*, user, base: AllocationRun, other: AllocationRun) -> pd.DataFrame:
    """Per municipality × group × year both runs' fair share and the difference (other − base)."""
    keys = ["year", "municipality", "target_group_name", "sort_order"]
    left = run_results(user=user, run=base)
    right = run_results(user=user, run=other)
    if left.empty and right.empty:
        return pd.DataFrame(columns=[*keys, "base", "other", "difference"])
    merged = pd.merge(
        left[[*keys, "quota"]] if not left.empty else pd.DataFrame(columns=[*keys, "quota"]),
        right[[*keys, "quota"]] if not right.empty else pd.DataFrame(columns=[*keys, "quota"]),
        on=keys,
        how="outer",
        suffixes=("_base", "_other"),
    )
    merged = merged.rename(columns={"quota_base": "base", "quota_other": "other"})
    merged[["base", "other"]] = merged[["base", "other"]].fillna(0).astype("int64")
    merged["difference"] = merged["other"] - merged["base"]
    return merged.sort_values(keys, ignore_index=True)


def current_approvals(*, user):
    return Approval.objects.restrict(user, VIEW).filter(is_current=True).select_related("run")


def runs_awaiting_approval(*, user, limit: int = 10):
    """Finished runs that are newer than their period's current approval (or have none), newest
    first: what the project leader may still approve."""
    current = {
        (approval.first_year, approval.last_year, approval.region_id): approval
        for approval in current_approvals(user=user)
    }
    runs = (
        AllocationRun.objects.restrict(user, VIEW)
        .filter(status=RunStatus.SUCCEEDED, approvals__isnull=True)
        .select_related("scenario")
        .order_by("-created_at")
    )
    waiting = []
    for run in runs[: limit * 3]:
        approval = current.get((run.first_year, run.last_year, run.scenario.region_id))
        if approval is None or approval.approved_at < run.created_at:
            waiting.append(run)
    return waiting[:limit]


def approval_history(*, user, scenario: Scenario | None = None):
    approvals = Approval.objects.restrict(user, VIEW).select_related("run__scenario", "approved_by")
    return approvals.filter(run__scenario=scenario) if scenario is not None else approvals


APPROVED_FAIR_SHARE_COLUMNS = [
    "municipality_id",
    "cbs_code",
    "target_group_code",
    "target_group_id",
    "year",
    "quota",
    "run_id",
]


def approved_fair_share_rows(*, user, years=None, municipality_ids=None):
    """The region's approved fair share cells as a queryset of dicts, for paging in SQL.

    For each year the current approval covering it wins; when periods overlap, the latest.
    Keys: those of APPROVED_FAIR_SHARE_COLUMNS. Unordered: the caller orders (and slices).
    """
    run_for_year = {}
    # The periods only: an approval's run would bring its whole inputs snapshot along.
    periods = (
        Approval.objects.restrict(user, VIEW)
        .filter(is_current=True)
        .order_by("-approved_at", "-pk")
        .values_list("first_year", "last_year", "run_id")
    )
    for first_year, last_year, run_id in periods:
        for year in range(first_year, last_year + 1):
            run_for_year.setdefault(year, run_id)
    if years is not None:
        years = set(years)
        run_for_year = {year: run for year, run in run_for_year.items() if year in years}
    # One (run, years) condition per approved run, which the cell index (run first) answers.
    years_of_run = {}
    for year, run_id in run_for_year.items():
        years_of_run.setdefault(run_id, []).append(year)
    cells = Q()
    for run_id, run_years in years_of_run.items():
        cells |= Q(run_id=run_id, year__in=sorted(run_years))
    results = AllocationResult.objects.restrict(user, VIEW).filter(cells)
    if not run_for_year:
        results = results.none()
    if municipality_ids is not None:
        results = results.filter(municipality_id__in=municipality_ids)
    return results.order_by().values(
        "municipality_id",
        "target_group_id",
        "year",
        "quota",
        "run_id",
        cbs_code=F("municipality__cbs_code"),
        target_group_code=F("target_group__code"),
    )


def approved_fair_shares(*, user, years=None, municipality_ids=None) -> pd.DataFrame:
    """The region's approved fair share per municipality × group × year, as a frame.

    Columns: municipality_id, cbs_code, target_group_code, target_group_id, year, quota, run_id.
    """
    rows = approved_fair_share_rows(user=user, years=years, municipality_ids=municipality_ids)
    rows = rows.order_by("year", "municipality__cbs_code", "target_group__code")
    frame = pd.DataFrame.from_records(list(rows), columns=APPROVED_FAIR_SHARE_COLUMNS)
    return frame if len(frame) else pd.DataFrame(columns=APPROVED_FAIR_SHARE_COLUMNS)


def sweep_list(*, user, scenario: Scenario):
    return SensitivitySweep.objects.restrict(user, VIEW).filter(scenario=scenario)


BAND_COLUMNS = ["minimum", "p10", "median", "p90", "maximum"]


def _band_frame(bands, keys: dict) -> pd.DataFrame:
    """Sensitivity bands as a frame: the given lookups renamed, then the five band columns."""
    rows = bands.values(*keys, *BAND_COLUMNS)
    return pd.DataFrame.from_records(list(rows), columns=[*keys, *BAND_COLUMNS]).rename(
        columns=keys
    )


def sensitivity_bands(*, user, sweep: SensitivitySweep) -> pd.DataFrame:
    """The bands of a sweep: per municipality × group × year min, p10, median, p90, max."""
    return _band_frame(
        SensitivityBand.objects.restrict(user, VIEW).filter(sweep=sweep),
        {
            "year": "year",
            "municipality__name": "municipality",
            f"target_group__{TargetGroup.name_field()}": "target_group",
        },
    )


def latest_sweep_bands(*, user, scenario_id: int, year: int) -> pd.DataFrame | None:
    """The bands of the scenario's latest finished sweep in one year, keyed by municipality id
    and group code; None when the scenario has no finished sweep."""
    sweep = (
        SensitivitySweep.objects.restrict(user, VIEW)
        .filter(scenario_id=scenario_id, status=RunStatus.SUCCEEDED)
        .first()
    )
    if sweep is None:
        return None
    return _band_frame(
        SensitivityBand.objects.restrict(user, VIEW).filter(sweep=sweep, year=year),
        {"municipality_id": "municipality_id", "target_group__code": "target_group"},
    )


def shown_run(*, user, run_id: int | None = None) -> AllocationRun | None:
    """The run a dashboard shows: the one asked for, else the current approved, else the latest
    finished one."""
    # Without its snapshot: at the national scale decoding it costs more than a cached page,
    # and only a page computed anew reads it (one query more, then).
    runs = (
        AllocationRun.objects.restrict(user, VIEW)
        .filter(status=RunStatus.SUCCEEDED)
        .select_related("scenario__methodology", "scenario__region")
        .defer("inputs")
    )
    if run_id is not None:
        return get_object_for(user, runs, pk=run_id)
    approval = (
        Approval.objects.restrict(user, VIEW)
        .filter(is_current=True, run__status=RunStatus.SUCCEEDED)
        .select_related("run__scenario__methodology", "run__scenario__region")
        .defer("run__inputs")
        .order_by("-first_year", "-approved_at")
        .first()
    )
    return approval.run if approval else runs.first()


def run_result(*, user, run: AllocationRun, slug: str, group: str, year: int) -> AllocationResult:
    """One result cell of the run the user may see, else 404."""
    return get_object_for(
        user,
        AllocationResult.objects.filter(run=run).select_related("municipality", "target_group"),
        municipality__slug=slug,
        target_group__code=group,
        year=year,
    )


def fair_share_preview(*, user, scenario: Scenario, settings: dict, year: int) -> pd.DataFrame:
    """The engine's answer for one year with unsaved settings, named like `run_results`."""
    scenario = Scenario.objects.restrict(user, VIEW).get(pk=scenario.pk)
    frame = allocation_inputs(scenario=scenario, year=year, settings=settings).fair_share()
    municipality_names = dict(scenario.region.municipalities.values_list("cbs_code", "name"))
    groups = {
        code: (name, order)
        for code, name, order in scenario.methodology.rules.values_list(
            "target_group__code",
            f"target_group__{TargetGroup.name_field()}",
            "target_group__sort_order",
        )
    }
    frame = frame.assign(
        year=year,
        cbs_code=frame["municipality"],
        municipality=frame["municipality"].map(municipality_names),
        target_group_name=frame["target_group"].map(lambda code: groups[code][0]),
        sort_order=frame["target_group"].map(lambda code: groups[code][1]),
    )
    return frame


def run_live_changes(*, user, run: AllocationRun, carry_over: bool = True) -> list:
    """`live_changes` labelled for people: (label, path, run's value, today's value)."""
    return labelled_differences(live_changes(user=user, run=run, carry_over=carry_over))


def run_input_rows(*, user, run: AllocationRun) -> list[tuple]:
    """Every figure of the run's snapshot the user may read, as (municipality, figure, value,
    source, estimate) rows in the order of municipality name and figure."""
    snapshot = run.inputs or {}
    names = dict(
        Municipality.objects.restrict(user, VIEW)
        .filter(cbs_code__in=list(snapshot.get("indicators") or {}))
        .values_list("cbs_code", "name")
    )
    labels = dict(key_indicator_choices())
    rows = []
    for code, values in (snapshot.get("indicators") or {}).items():
        if code not in names:
            continue
        for indicator, value in sorted(values.items()):
            source, is_estimate = _provenance(snapshot, "indicators", code, indicator)
            rows.append(
                (names[code], str(labels.get(indicator, indicator)), value, source, is_estimate)
            )
    return sorted(rows, key=lambda row: (row[0], row[1]))


def methodology_rows(run, year: int, changes=()) -> list[tuple[str, str]]:
    """What the method sheet says: the run, the steps, each group's rule (all from the run's
    snapshot) and what changed in the live figures since the run."""
    settings = run_methodology(run)
    rows = [
        (_("Scenario"), str(run.scenario)),
        (_("Toelichting"), run.scenario.notes),
        (_("Methodiek"), str(run.scenario.methodology)),
        (_("Berekening"), str(run.pk)),
        (_("Jaar"), str(year)),
        (_("Peiljaar cijfers"), str(run.scenario.data_year)),
        (_("Hash van de invoer"), run.input_hash),
        (_("Plafond (deel van de mutaties)"), cap_share_text(settings["cap_share"])),
        (_("Afrondingsmethode"), str(settings.get("rounding_method", ""))),
        ("", ""),
        (
            _("Verdeelsleutel"),
            _(
                "Elke gemeente krijgt het deel van de regionale opgave dat haar aandeel in de sleutel aangeeft."
            ),
        ),
        (
            _("Correctie"),
            _(
                "Wat een gemeente al draagt (cliënten in instellingen) gaat eraf; dat deel gaat naar de anderen."
            ),
        ),
        (
            _("Plafond"),
            _(
                "Urgente groepen krijgen samen ten hoogste het plafond van de mutaties plus de ruimte voor nieuwbouw; wat erboven valt gaat naar gemeenten met ruimte."
            ),
        ),
        (_("Afronding"), _("Hele huishoudens, zo dat het regionale totaal precies klopt.")),
        (_("Overloop"), _("Een tekort uit de vorige periode komt erbij, een voorschot gaat eraf.")),
        ("", ""),
    ]
    for code, rule in sorted(settings["rules"].items()):
        key = ", ".join(f"{name} × {weight:g}" for name, weight in rule.get("key", {}).items())
        flags = [
            label
            for flag, label in (
                ("local", _("lokaal")),
                ("correct_for_carried", _("gecorrigeerd")),
                ("capped", _("onder plafond")),
            )
            if rule.get(flag)
        ]
        rows.append((code, f"{key} ({', '.join(flags)})" if flags else key))
    if changes:
        rows.append(("", ""))
        rows.append(
            (
                _("Gewijzigd sinds de berekening"),
                _(
                    "Deze cijfers zijn nu anders dan waarmee de berekening rekende (berekening → nu):"
                ),
            )
        )
        for label, _path, before, after in changes:
            rows.append((label, f"{before} → {after}"))
    return rows
