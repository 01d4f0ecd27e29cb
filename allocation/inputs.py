"""The one adapter between the database and the engine: the ORM -> engine translation.

`scenario_inputs` takes a scenario's inputs as canonical plain data (the run's snapshot:
every figure, its source and estimate mark, the regional task, what is already carried, the
carry-over and the methodology); `engine_inputs` turns a snapshot into the engine's frames for
one year. A run stores the snapshot, so it can be explained and recomputed from it alone.
`inputs_hash` and `input_differences` say whether and how two snapshots differ.

The carry-over of the previous period comes from outside allocation: an app that tracks the
realisation (monitoring) registers a provider with `register_carry_over`, so allocation never
imports it. Likewise the room for new construction per year: an app that tracks the housing
projects (projects) registers `register_new_construction`, and its expected deliveries replace
the static figure of the municipality where it gives one.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd
from django.utils.translation import gettext as _

from allocation import engine
from allocation.engine import exact_cap_share
from allocation.models import Methodology, Scenario
from municipalities.models import CareClientCount, Indicator, MunicipalityFigure, RegionalTask

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
# The derived key column and the figures it is computed from.
INHABITANTS_75_PLUS = "inhabitants_75_plus"
# Parts of the snapshot that describe the numbers rather than being numbers the engine uses.
PROVENANCE_KEY = "sources"


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


# --- carry-over, provided from outside -------------------------------------------------------

_carry_over_providers: list[Callable] = []


def register_carry_over(provider: Callable) -> None:
    """Register `provider(scenario) -> {cbs_code: {group: arrears (+) or advance (-)}}`."""
    if provider not in _carry_over_providers:
        _carry_over_providers.append(provider)


def previous_period_carry_over(scenario: Scenario) -> dict:
    """The previous period's balance from the registered providers, non-zero cells only."""
    total: dict = {}
    for provider in _carry_over_providers:
        for code, row in provider(scenario).items():
            for group, value in row.items():
                if value:
                    cell = total.setdefault(code, {})
                    cell[group] = round(cell.get(group, 0.0) + float(value), 6)
    return {code: row for code, row in total.items() if any(row.values())}


_new_construction_providers: list[Callable] = []
NEW_CONSTRUCTION_KEY = "new_construction"


def register_new_construction(provider: Callable) -> None:
    """Register `provider(scenario) -> {year: {cbs_code: (homes, source)}}`: the room for new
    construction per year where the provider knows it."""
    if provider not in _new_construction_providers:
        _new_construction_providers.append(provider)


def provided_new_construction(scenario: Scenario) -> tuple[dict, dict]:
    """({year: {cbs: homes}}, {year: {cbs: [source, is_estimate]}}) of the registered providers.

    Expected deliveries are estimates by nature (a chance per phase), so they are marked so."""
    values: dict = {}
    sources: dict = {}
    for provider in _new_construction_providers:
        for year, row in provider(scenario).items():
            for code, (homes, source) in row.items():
                year_values = values.setdefault(str(year), {})
                year_values[code] = round(year_values.get(code, 0.0) + float(homes), 6)
                sources.setdefault(str(year), {})[code] = [source, True]
    return values, sources


# --- methodology ------------------------------------------------------------------------------


def cap_share_text(value) -> str:
    """An exact cap share as stored in a snapshot: "1/3", "1/4", "333/1000"."""
    fraction = exact_cap_share(value)
    return f"{fraction.numerator}/{fraction.denominator}"


def methodology_settings(methodology: Methodology) -> dict:
    """A methodology as plain data: what the engine needs, what a run stores and compares."""
    return {
        "cap_share": cap_share_text(methodology.cap_share),
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


def settings_cap_share(settings: dict) -> Fraction:
    """The exact cap share of methodology settings (older snapshots stored a float)."""
    return exact_cap_share(settings.get("cap_share", engine.DEFAULT_CAP_SHARE))


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


def carried_columns(group: str) -> tuple[str, ...]:
    """The indicator columns (care_<type>) whose clients count as already carried for a group."""
    return tuple(f"care_{care_type}" for care_type in CARRIED_CARE_TYPES.get(group, ()))


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
        cap_share=settings_cap_share(settings),
        method=settings["rounding_method"],
        tie_break=settings["tie_break"],
        seed=settings["seed"],
        capacity_columns=CAPACITY_COLUMNS,
    )


# --- the snapshot -----------------------------------------------------------------------------


def _figures(scenario, municipalities):
    """{cbs: {indicator: value}} and {cbs: {indicator: [source, is_estimate]}} of the data year."""
    indicators = {code: {} for code in municipalities.values()}
    sources = {code: {} for code in municipalities.values()}
    # By the region rather than by the list of its municipalities: a national region's list of
    # ids costs more to send than the figures to read.
    rows = MunicipalityFigure.objects.filter(
        municipality__region_id=scenario.region_id, year=scenario.data_year
    ).values_list("municipality_id", "indicator", "value", "source", "is_estimate")
    for municipality_id, indicator, value, source, is_estimate in rows:
        code = municipalities[municipality_id]
        indicators[code][indicator] = float(value)
        sources[code][indicator] = [source, bool(is_estimate)]
    care_counts = CareClientCount.objects.filter(
        municipality__region_id=scenario.region_id, year=scenario.data_year
    ).values_list("municipality_id", "care_type", "count", "source", "is_estimate")
    for municipality_id, care_type, count, source, is_estimate in care_counts:
        code = municipalities[municipality_id]
        indicators[code][f"care_{care_type}"] = float(count)
        sources[code][f"care_{care_type}"] = [source, bool(is_estimate)]
    for code, row in indicators.items():
        if Indicator.INHABITANTS in row and Indicator.SHARE_75_PLUS in row:
            row[INHABITANTS_75_PLUS] = (
                row[Indicator.INHABITANTS] * row[Indicator.SHARE_75_PLUS] / 100
            )
            inhabitants, share = (
                sources[code][Indicator.INHABITANTS],
                sources[code][Indicator.SHARE_75_PLUS],
            )
            sources[code][INHABITANTS_75_PLUS] = [
                f"{inhabitants[0]}; {share[0]}" if inhabitants[0] != share[0] else share[0],
                inhabitants[1] or share[1],
            ]
    return indicators, sources


def scenario_inputs(
    *, scenario: Scenario, settings: dict | None = None, carry_over: dict | None = None
) -> dict:
    """Every input of a scenario's run as canonical plain data: figures, tasks, carried, method,
    and the source and estimate mark of every figure and task (the run's snapshot).

    `settings` replaces the saved methodology (the live preview of unsaved slider positions);
    `carry_over` replaces the registered providers' balance of the previous period.
    """
    settings = settings if settings is not None else methodology_settings(scenario.methodology)
    municipalities = dict(
        scenario.region.municipalities.order_by("cbs_code").values_list("pk", "cbs_code")
    )
    indicators, figure_sources = _figures(scenario, municipalities)
    carried = {
        code: {
            group: sum(row.get(column, 0.0) for column in carried_columns(group))
            for group in CARRIED_CARE_TYPES
            if group in settings["rules"]
        }
        for code, row in indicators.items()
    }
    tasks = {str(year): {} for year in scenario.years}
    task_sources = {str(year): {} for year in scenario.years}
    for year, group, amount, source, is_estimate in RegionalTask.objects.filter(
        region=scenario.region,
        year__in=scenario.years,
        target_group__code__in=list(settings["rules"]),
    ).values_list("year", "target_group__code", "amount", "source", "is_estimate"):
        tasks[str(year)][group] = amount
        task_sources[str(year)][group] = [source, bool(is_estimate)]
    if carry_over is None:
        carry_over = previous_period_carry_over(scenario)
    new_construction, new_construction_sources = provided_new_construction(scenario)
    # Only where a provider gives figures: a data set without projects keeps the snapshots (and
    # hashes) it had, with the static figure.
    provided = {NEW_CONSTRUCTION_KEY: new_construction} if new_construction else {}
    provenance = {"indicators": figure_sources, "tasks": task_sources}
    if new_construction:
        provenance[NEW_CONSTRUCTION_KEY] = new_construction_sources
    return {
        "period": [scenario.first_year, scenario.last_year],
        "data_year": scenario.data_year,
        "methodology": settings,
        "indicators": indicators,
        "tasks": tasks,
        "carried": carried,
        # The previous period's arrears (+) and advances (−), from monitoring the realisation,
        # enter the first year of the period, as the national taakstelling does.
        "carry_over": {str(scenario.first_year): carry_over},
        **provided,
        PROVENANCE_KEY: provenance,
    }


def inputs_hash(inputs: dict) -> str:
    """sha256 of the canonical JSON of the numbers and settings: equal inputs, equal hash.

    The sources and estimate marks describe the numbers; they are stored, not hashed.
    """
    numbers = {key: value for key, value in inputs.items() if key != PROVENANCE_KEY}
    return _canonical_hash(numbers)


def _canonical_hash(value) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class InputsFingerprint:
    """What decides whether two snapshots differ at all, small enough to cache and compare.

    `numbers` is `inputs_hash` (what a run stores as its input hash); `provenance` the hash of
    the sources and estimate marks, which `input_differences` reports too, or None for a
    snapshot without them (older runs).
    """

    numbers: str
    provenance: str | None

    @classmethod
    def of(cls, inputs: dict, *, numbers: str = "") -> "InputsFingerprint":
        """`numbers` when the hash of the numbers is known already (the run's stored hash)."""
        provenance = inputs.get(PROVENANCE_KEY)
        return cls(
            numbers=numbers or inputs_hash(inputs),
            provenance=None if provenance is None else _canonical_hash(provenance),
        )

    def unchanged_in(self, live: "InputsFingerprint") -> bool:
        """True when `input_differences(snapshot, live)` is certainly empty.

        Equal hashes mean equal canonical JSON, so equal values. Unequal ones may still compare
        equal (a cap share stored as a float in older snapshots): then the detailed comparison
        decides. Provenance counts only where both have it, as in `input_differences`.
        """
        return self.numbers == live.numbers and (
            self.provenance is None or live.provenance is None or self.provenance == live.provenance
        )


def input_differences(
    before: dict, after: dict, prefix: str = ""
) -> list[tuple[str, object, object]]:
    """(path, before, after) for every leaf of two nested input dicts that differs.

    Provenance is compared only where both snapshots have it (older runs stored none).
    """
    differences = []
    keys = set(before) | set(after)
    if not prefix and not (PROVENANCE_KEY in before and PROVENANCE_KEY in after):
        keys.discard(PROVENANCE_KEY)
    for key in sorted(keys, key=str):
        path = f"{prefix}.{key}" if prefix else str(key)
        old, new = before.get(key), after.get(key)
        if old == new:
            # Equal subtrees compared whole, in C: at the national scale nearly all of them.
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            differences.extend(input_differences(old, new, path))
        elif path == "methodology.cap_share" and old is not None and new is not None:
            if exact_cap_share(old) != exact_cap_share(new):
                differences.append((path, old, new))
        elif old != new:
            differences.append((path, old, new))
    return differences


# --- the engine's frames ----------------------------------------------------------------------


def _with_provided_new_construction(indicators, inputs, year):
    """The year's provided room for new construction in place of the static figure."""
    provided = (inputs.get(NEW_CONSTRUCTION_KEY) or {}).get(str(year)) or {}
    column = Indicator.NEW_CONSTRUCTION.value
    if not provided:
        return indicators
    indicators = indicators.copy()
    if column not in indicators:
        indicators[column] = float("nan")
    for code, homes in provided.items():
        if code in indicators.index:
            indicators.at[code, column] = float(homes)
    return indicators


def engine_inputs(inputs: dict, year: int) -> EngineInputs:
    """The engine's frames for one year, built from the canonical inputs only."""
    indicators = pd.DataFrame.from_dict(inputs["indicators"], orient="index").sort_index()
    indicators.index.name = "municipality"
    indicators = _with_provided_new_construction(indicators, inputs, year)
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
