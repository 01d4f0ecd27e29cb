"""Read queries of the fair-share allocation: the engine's inputs, results, approvals, comparisons."""

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
from django.db.models import Q
from django.utils.translation import gettext as _

from allocation import engine
from allocation.engine import RESULT_COLUMNS as ENGINE_RESULT_COLUMNS
from allocation.models import (
    AllocationResult,
    AllocationRun,
    Approval,
    Methodology,
    MethodologyGroupRule,
    Scenario,
    SensitivityBand,
    SensitivitySweep,
    key_indicator_choices,
)
from gmr_thuis.permissions import SYSTEM, VIEW
from municipalities.models import (
    CareClientCount,
    Indicator,
    Municipality,
    MunicipalityFigure,
    RegionalTask,
    TargetGroup,
)

# Which care institutions' clients a municipality already carries for a group: the correction
# for "already carried" subtracts these from the group's ideal share.
CARRIED_CARE_TYPES = {
    "uitstroom-bw": ("bw_wmo", "bw_wlz"),
    "uitstroom-mo": ("mo",),
    "vrouwenopvang": ("vo",),
    "jeugdzorg-leavers": ("youth_care",),
    "vg": ("vg",),
    "lg": ("lg",),
    "ggz": ("ggz",),
}
CAPACITY_COLUMNS = (Indicator.NEW_CONSTRUCTION.value,)


class InputsIncomplete(ValueError):
    """A figure the methodology needs is missing for some municipality or year."""


@dataclass(frozen=True)
class EngineInputs:
    """The frames one call of `allocate_fair_share` takes, for one year."""

    indicators: pd.DataFrame
    tasks: pd.Series
    carried: pd.DataFrame | None
    carry_over: pd.DataFrame | None
    methodology: engine.Methodology

    def fair_share(self) -> pd.DataFrame:
        """The engine's fair share of these frames, with its explanation per cell."""
        return engine.allocate_fair_share(
            self.indicators,
            self.tasks,
            self.methodology,
            carried=self.carried,
            carry_over=self.carry_over,
        )


def methodology_settings(methodology: Methodology) -> dict:
    """A methodology as plain data: what the engine needs, what a run stores and compares."""
    return {
        "cap_share": float(methodology.cap_share),
        "rounding_method": methodology.rounding_method,
        "tie_break": methodology.tie_break,
        "seed": methodology.seed,
        "rules": {
            rule.target_group.code: {
                "key": {name: float(weight) for name, weight in sorted(rule.key_weights.items())},
                "local": rule.local,
                "correct_for_carried": rule.correct_for_carried,
                "capped": rule.capped,
            }
            for rule in methodology.rules.select_related("target_group")
        },
    }


def needed_columns(settings: dict) -> set[str]:
    """The indicator columns the methodology actually uses."""
    columns = {
        name
        for rule in settings["rules"].values()
        for name, weight in rule["key"].items()
        if weight > 0
    }
    if any(rule["capped"] for rule in settings["rules"].values()):
        columns |= {Indicator.TURNOVER.value, *CAPACITY_COLUMNS}
    return columns


def scenario_inputs(*, scenario: Scenario, settings: dict | None = None) -> dict:
    """Every input of a scenario's run as canonical plain data: figures, tasks, carried, method.

    `settings` replaces the saved methodology (the live preview of unsaved slider positions).
    """
    settings = settings if settings is not None else methodology_settings(scenario.methodology)
    municipalities = dict(
        scenario.region.municipalities.order_by("cbs_code").values_list("pk", "cbs_code")
    )
    indicators = {code: {} for code in municipalities.values()}
    for municipality_id, indicator, value in MunicipalityFigure.objects.filter(
        municipality_id__in=municipalities, year=scenario.data_year
    ).values_list("municipality_id", "indicator", "value"):
        indicators[municipalities[municipality_id]][indicator] = float(value)
    carried = {code: {} for code in municipalities.values()}
    care_counts = CareClientCount.objects.filter(
        municipality_id__in=municipalities, year=scenario.data_year
    ).values_list("municipality_id", "care_type", "count")
    for municipality_id, care_type, count in care_counts:
        row = indicators[municipalities[municipality_id]]
        row[f"care_{care_type}"] = float(count)
    for row in indicators.values():
        if "inhabitants" in row and Indicator.SHARE_75_PLUS in row:
            row["inhabitants_75_plus"] = row["inhabitants"] * row[Indicator.SHARE_75_PLUS] / 100
    for code, row in indicators.items():
        for group, care_types in CARRIED_CARE_TYPES.items():
            if group in settings["rules"]:
                carried[code][group] = sum(row.get(f"care_{t}", 0.0) for t in care_types)
    tasks = {str(year): {} for year in scenario.years}
    for year, group, amount in RegionalTask.objects.filter(
        region=scenario.region,
        year__in=scenario.years,
        target_group__code__in=list(settings["rules"]),
    ).values_list("year", "target_group__code", "amount"):
        tasks[str(year)][group] = amount
    inputs = {
        "period": [scenario.first_year, scenario.last_year],
        "data_year": scenario.data_year,
        "methodology": settings,
        "indicators": indicators,
        "tasks": tasks,
        "carried": carried,
        # The previous period's arrears (+) and advances (−), from monitoring the realisation,
        # enter the first year of the period, as the national taakstelling does.
        "carry_over": {str(scenario.first_year): previous_period_carry_over(scenario)},
    }
    # projects (issue 15): the pipeline's expected deliveries per year, where a municipality
    # has projects, replace its static room for new construction (see engine_inputs).
    from projects.selectors import expected_new_construction

    room = expected_new_construction(scenario.region, scenario.years)
    if not room.empty:
        inputs["new_construction"] = {
            str(year): {
                municipalities[row.municipality_id]: {
                    "value": row.value,
                    "source": row.source,
                    "is_estimate": row.is_estimate,
                }
                for row in rows.itertuples()
            }
            for year, rows in room.groupby("year")
        }
    return inputs


def previous_period_carry_over(scenario: Scenario) -> dict:
    """{cbs_code: {group: arrears or advance}} before the scenario's first year, non-zero only."""
    from monitoring.selectors import carry_over_frame

    frame = carry_over_frame(year=scenario.first_year, user=SYSTEM, period_start=True)
    return {
        code: {group: round(float(value), 6) for group, value in row.items() if value}
        for code, row in frame.to_dict(orient="index").items()
        if any(row.values())
    }


def inputs_hash(inputs: dict) -> str:
    """sha256 of the canonical JSON of the inputs: equal inputs, equal hash."""
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def engine_methodology(settings: dict) -> engine.Methodology:
    return engine.Methodology(
        rules=tuple(
            engine.GroupRule(
                target_group=group,
                key=dict(rule["key"]),
                local=rule["local"],
                correct_for_carried=rule["correct_for_carried"],
                capped=rule["capped"],
            )
            for group, rule in sorted(settings["rules"].items())
        ),
        cap_share=settings["cap_share"],
        method=settings["rounding_method"],
        tie_break=settings["tie_break"],
        seed=settings["seed"],
        capacity_columns=CAPACITY_COLUMNS,
    )


def engine_inputs(inputs: dict, year: int) -> EngineInputs:
    """The engine's frames for one year, built from the canonical inputs only."""
    indicators = pd.DataFrame.from_dict(inputs["indicators"], orient="index").sort_index()
    indicators.index.name = "municipality"
    # projects (issue 15): this year's room for new construction from the project pipeline.
    for code, cell in inputs.get("new_construction", {}).get(str(year), {}).items():
        indicators.loc[code, Indicator.NEW_CONSTRUCTION.value] = cell["value"]
    needed = needed_columns(inputs["methodology"])
    missing = sorted(
        f"{code}: {column}"
        for column in needed
        for code in indicators.index
        if column not in indicators or pd.isna(indicators.at[code, column])
    )
    if missing:
        raise InputsIncomplete(
            _("Cijfers van peiljaar %(year)s ontbreken: %(missing)s.")
            % {"year": inputs["data_year"], "missing": ", ".join(missing[:20])}
        )
    year_tasks = inputs["tasks"].get(str(year), {})
    if not year_tasks:
        raise InputsIncomplete(_("Er is geen regionale opgave voor %(year)s.") % {"year": year})
    groups = sorted(inputs["methodology"]["rules"])
    tasks = pd.Series({group: int(year_tasks.get(group, 0)) for group in groups}, dtype="int64")
    carried = pd.DataFrame.from_dict(inputs["carried"], orient="index").reindex(
        index=indicators.index, columns=groups, fill_value=0.0
    )
    carried = carried.fillna(0.0)
    carry_over = None
    if inputs["carry_over"].get(str(year)):
        carry_over = pd.DataFrame.from_dict(inputs["carry_over"][str(year)], orient="index")
        carry_over = carry_over.reindex(index=indicators.index, columns=groups).fillna(0.0)
    return EngineInputs(
        indicators=indicators.fillna(0.0),
        tasks=tasks,
        carried=carried,
        carry_over=carry_over,
        methodology=engine_methodology(inputs["methodology"]),
    )


def allocation_inputs(
    *, scenario: Scenario, year: int, settings: dict | None = None
) -> EngineInputs:
    """The engine's frames for one year of a scenario, straight from the reference data."""
    return engine_inputs(scenario_inputs(scenario=scenario, settings=settings), year)


def scenario_list(*, user):
    return Scenario.objects.restrict(user, VIEW).select_related("methodology", "region")


def run_list(*, user, scenario: Scenario | None = None):
    runs = AllocationRun.objects.restrict(user, VIEW).select_related("scenario", "started_by")
    return runs.filter(scenario=scenario) if scenario is not None else runs


def run_changes_since(*, user, run: AllocationRun) -> list[tuple[str, object, object]]:
    """What differs between the inputs a run used and the scenario's inputs today, as far as
    the user may read those inputs."""
    if run.inputs is None:
        return []
    changes = input_differences(run.inputs, scenario_inputs(scenario=run.scenario))
    return visible_differences(user=user, differences=changes)


def visible_differences(*, user, differences: list) -> list[tuple[str, object, object]]:
    """Leave out the differences in a municipality's figures the user may not read.

    A run's inputs hold every municipality's figures; a user scoped to some municipalities
    (a corporation) learns no other municipality's figures from a comparison either.
    """
    readable = set(
        MunicipalityFigure.objects.restrict(user, VIEW).values_list(
            "municipality__cbs_code", flat=True
        )
    )

    def municipality_of(path):
        match path.split("."):
            case ["indicators" | "carried", cbs_code, *_rest]:
                return cbs_code
            case ["carry_over", _year, cbs_code, *_rest]:
                return cbs_code
        return None

    return [
        (path, before, after)
        for path, before, after in differences
        if (code := municipality_of(path)) is None or code in readable
    ]


def input_differences(
    before: dict, after: dict, prefix: str = ""
) -> list[tuple[str, object, object]]:
    """(path, before, after) for every leaf of two nested input dicts that differs."""
    differences = []
    for key in sorted(set(before) | set(after), key=str):
        path = f"{prefix}.{key}" if prefix else str(key)
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            differences.extend(input_differences(old, new, path))
        elif old != new:
            differences.append((path, old, new))
    return differences


# The engine's explanation columns, stored per cell (municipality and group are foreign keys).
RESULT_COLUMNS = [c for c in ENGINE_RESULT_COLUMNS if c not in ("municipality", "target_group")]


def run_results(*, user, run: AllocationRun, year: int | None = None) -> pd.DataFrame:
    """A run's results the user may see, one row per municipality × group (× year), named in
    the page's language and ordered by year, municipality and the groups' own order."""
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
    rows = results.values(
        "year", "municipality_id", "target_group_id", *names, *RESULT_COLUMNS
    ).order_by("year", "municipality__name", "target_group__sort_order", "target_group__code")
    columns = ["year", "municipality_id", "target_group_id", *names, *RESULT_COLUMNS]
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
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


def approval_history(*, user, scenario: Scenario | None = None):
    approvals = Approval.objects.restrict(user, VIEW).select_related("run__scenario", "approved_by")
    return approvals.filter(run__scenario=scenario) if scenario is not None else approvals


def approved_fair_shares(*, user, years=None, municipality_ids=None) -> pd.DataFrame:
    """The region's approved fair share per municipality × group × year.

    For each year the current approval covering it wins; when periods overlap, the latest.
    Columns: municipality_id, cbs_code, target_group_code, target_group_id, year, quota, run_id.
    """
    columns = [
        "municipality_id",
        "cbs_code",
        "target_group_code",
        "target_group_id",
        "year",
        "quota",
        "run_id",
    ]
    run_for_year = {}
    for approval in current_approvals(user=user).order_by("-approved_at", "-pk"):
        for year in range(approval.first_year, approval.last_year + 1):
            run_for_year.setdefault(year, approval.run_id)
    if years is not None:
        years = set(years)
        run_for_year = {year: run for year, run in run_for_year.items() if year in years}
    if not run_for_year:
        return pd.DataFrame(columns=columns)
    cells = Q()
    for year, run_id in run_for_year.items():
        cells |= Q(year=year, run_id=run_id)
    results = AllocationResult.objects.restrict(user, VIEW).filter(cells)
    if municipality_ids is not None:
        results = results.filter(municipality_id__in=municipality_ids)
    rows = results.values_list(
        "municipality_id",
        "municipality__cbs_code",
        "target_group__code",
        "target_group_id",
        "year",
        "quota",
        "run_id",
    ).order_by("year", "municipality__cbs_code", "target_group__code")
    return pd.DataFrame.from_records(list(rows), columns=columns)


def sweep_list(*, user, scenario: Scenario):
    return SensitivitySweep.objects.restrict(user, VIEW).filter(scenario=scenario)


def sensitivity_bands(*, user, sweep: SensitivitySweep) -> pd.DataFrame:
    """The bands of a sweep: per municipality × group × year min, p10, median, p90, max."""
    group_name = f"target_group__{TargetGroup.name_field()}"
    rows = (
        SensitivityBand.objects.restrict(user, VIEW)
        .filter(sweep=sweep)
        .values(
            "year",
            "municipality__name",
            group_name,
            "minimum",
            "p10",
            "median",
            "p90",
            "maximum",
        )
    )
    return pd.DataFrame.from_records(list(rows)).rename(
        columns={"municipality__name": "municipality", group_name: "target_group"}
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


def input_label(path: str, *, groups: dict, municipalities: dict) -> str:
    """A Dutch description of one input path of `scenario_inputs`, for people, not machines.

    `groups`: target-group code -> name; `municipalities`: CBS code -> name.
    """
    indicators = dict(key_indicator_choices())
    parts = path.split(".")
    group = groups.get(parts[-1], parts[-1])
    match parts:
        case ["period"]:
            return _("Periode")
        case ["data_year"]:
            return _("Peiljaar cijfers")
        case ["methodology", "cap_share"]:
            return _("Plafond: maximaal aandeel van de mutaties")
        case ["methodology", "rounding_method"]:
            return _("Afrondingsmethode")
        case ["methodology", "tie_break"]:
            return _("Gelijke stand")
        case ["methodology", "seed"]:
            return _("Seed")
        case ["methodology", "rules", code, "key", indicator]:
            return _("%(group)s: gewicht %(indicator)s") % {
                "group": groups.get(code, code),
                "indicator": str(indicators.get(indicator, indicator)).lower(),
            }
        case ["methodology", "rules", code, ("local" | "correct_for_carried" | "capped") as part]:
            # The switch's own name, as the admin shows it.
            label = MethodologyGroupRule._meta.get_field(part).verbose_name
            return f"{groups.get(code, code)}: {label}"
        case ["methodology", "rules", code]:
            return _("%(group)s: regel") % {"group": groups.get(code, code)}
        case ["indicators", cbs_code, indicator]:
            return (
                f"{municipalities.get(cbs_code, cbs_code)}: "
                + str(indicators.get(indicator, indicator)).lower()
            )
        case ["tasks", year, _code]:
            return _("Regionale opgave %(year)s: %(group)s") % {"year": year, "group": group}
        case ["carried", cbs_code, _code]:
            return _("%(municipality)s: al gedragen, %(group)s") % {
                "municipality": municipalities.get(cbs_code, cbs_code),
                "group": group,
            }
        case ["carry_over", year, cbs_code, _code]:
            return _("Overloop naar %(year)s: %(municipality)s, %(group)s") % {
                "year": year,
                "municipality": municipalities.get(cbs_code, cbs_code),
                "group": group,
            }
    return path


def labelled_differences(differences: list) -> list[tuple[str, str, object, object]]:
    """`input_differences` as (label, path, before, after), labelled by `input_label`."""
    groups = dict(TargetGroup.objects.values_list("code", TargetGroup.name_field()))
    municipalities = dict(Municipality.objects.values_list("cbs_code", "name"))
    return [
        (input_label(path, groups=groups, municipalities=municipalities), path, before, after)
        for path, before, after in differences
    ]
