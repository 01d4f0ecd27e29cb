"""Writes of the fair-share allocation: scenarios, runs as jobs, approval and sensitivity sweeps."""

import itertools
import math
from collections.abc import Callable
from datetime import timedelta

import pandas as pd
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from allocation import inputs as adapter
from allocation import selectors
from allocation.engine import DEFAULT_GROUP_SETTINGS, ENGINE_VERSION
from allocation.engine import DEFAULT_RULES as DEFAULT_KIND_RULES
from allocation.engine import sweep as engine_sweep
from allocation.models import (
    AllocationResult,
    AllocationRun,
    Approval,
    Methodology,
    MethodologyGroupRule,
    RunStatus,
    Scenario,
    SensitivityBand,
    SensitivitySweep,
)
from gmr_thuis.history import record_change
from gmr_thuis.models import ObjectChange
from gmr_thuis.permissions import APPROVE, can, is_project_leader
from municipalities.models import Municipality, Region, TargetGroup

DEFAULT_SCENARIO_SLUG = "gmr-2025-2030"

# The region's starting point (DOMAIN.md, "A sensible default methodology"), as the engine
# defines it for the data set's target-group codes.
DEFAULT_RULES = {code: DEFAULT_KIND_RULES[kind] for code, kind in DEFAULT_GROUP_SETTINGS.items()}

# Above this many variant × year problems a sweep is split into one Celery task per year.
SWEEP_CHUNK_THRESHOLD = 2000
SWEEP_MAX_VARIANTS = 5000


def _require_project_leader(user, message):
    if not is_project_leader(user):
        raise PermissionDenied(message)


def _unique_slug(model, base):
    slug, n = base[:45], 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base[:40]}-{n}", n + 1
    return slug


def _write_rules(methodology: Methodology, rules: dict) -> None:
    groups = {g.code: g for g in TargetGroup.objects.filter(code__in=list(rules))}
    unknown = sorted(set(rules) - set(groups))
    if unknown:
        raise ValidationError(
            _("Onbekende aandachtsgroep: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    methodology.rules.exclude(target_group__code__in=list(rules)).delete()
    existing = {rule.target_group_id: rule for rule in methodology.rules.all()}
    for code, rule in rules.items():
        instance = existing.get(groups[code].pk) or MethodologyGroupRule(
            methodology=methodology, target_group=groups[code]
        )
        instance.key_weights = {name: float(w) for name, w in rule["key"].items()}
        instance.local = bool(rule.get("local", False))
        instance.correct_for_carried = bool(rule.get("correct_for_carried", False))
        instance.capped = bool(rule.get("capped", False))
        instance.full_clean()
        instance.save()


def methodology_update(*, user, methodology: Methodology, settings: dict) -> Methodology:
    """Store a methodology's settings (the shape of `selectors.methodology_settings`)."""
    _require_project_leader(user, _("Alleen de projectleider wijzigt een methodiek."))
    with transaction.atomic():
        methodology = Methodology.objects.select_for_update().get(pk=methodology.pk)
        before = adapter.methodology_settings(methodology)
        methodology.cap_share = settings["cap_share"]
        methodology.rounding_method = settings["rounding_method"]
        methodology.tie_break = settings["tie_break"]
        methodology.seed = settings["seed"]
        methodology.full_clean()
        methodology.save()
        _write_rules(methodology, settings["rules"])
        record_change(
            user=user,
            obj=methodology,
            action=ObjectChange.Action.UPDATE,
            before=before,
            after=adapter.methodology_settings(methodology),
        )
    return methodology


def scenario_create(
    *,
    user,
    name: str,
    base_methodology: Methodology,
    first_year: int,
    last_year: int,
    data_year: int,
    notes: str = "",
    region: Region | None = None,
) -> Scenario:
    """A new scenario with its own copy of a methodology, so editing it leaves others alone."""
    _require_project_leader(user, _("Alleen de projectleider maakt scenario's."))
    with transaction.atomic():
        settings = adapter.methodology_settings(base_methodology)
        methodology = Methodology(
            name=name,
            slug=_unique_slug(Methodology, slugify(name) or "methodiek"),
            rounding_method=settings["rounding_method"],
            tie_break=settings["tie_break"],
            seed=settings["seed"],
        )
        methodology.cap_share = settings["cap_share"]
        methodology.full_clean()
        methodology.save()
        _write_rules(methodology, settings["rules"])
        scenario = Scenario(
            name=name,
            slug=_unique_slug(Scenario, slugify(name) or "scenario"),
            region=region or user.membership.region,
            methodology=methodology,
            first_year=first_year,
            last_year=last_year,
            data_year=data_year,
            notes=notes,
        )
        scenario.full_clean()
        scenario.save()
        record_change(user=user, obj=scenario, action=ObjectChange.Action.CREATE)
    return scenario


def scenario_update(
    *,
    user,
    scenario: Scenario,
    name: str,
    first_year: int,
    last_year: int,
    data_year: int,
    notes: str,
    settings: dict,
) -> Scenario:
    """Change a scenario's period, data year, notes and its methodology's settings at once."""
    _require_project_leader(user, _("Alleen de projectleider wijzigt een scenario."))
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        before = {
            "name": scenario.name,
            "period": [scenario.first_year, scenario.last_year],
            "data_year": scenario.data_year,
            "notes": scenario.notes,
        }
        scenario.name = name
        scenario.first_year, scenario.last_year = first_year, last_year
        scenario.data_year = data_year
        scenario.notes = notes
        scenario.full_clean()
        scenario.save()
        methodology_update(user=user, methodology=scenario.methodology, settings=settings)
        record_change(user=user, obj=scenario, action=ObjectChange.Action.UPDATE, before=before)
    return scenario


def ensure_default_scenario() -> Scenario | None:
    """The default methodology and the scenario "GMR 2025–2030"; idempotent, for the data loader.

    Returns None while the region or its target groups are not loaded yet.
    """
    region = Region.objects.filter(slug="gmr").first() or Region.objects.first()
    groups = set(TargetGroup.objects.values_list("code", flat=True))
    if region is None or not groups:
        return None
    with transaction.atomic():
        methodology, _created = Methodology.objects.get_or_create(
            slug="standaard", defaults={"name": _("Standaardmethodiek GMR")}
        )
        if not methodology.rules.exists():
            _write_rules(
                methodology, {code: rule for code, rule in DEFAULT_RULES.items() if code in groups}
            )
        data_year = (
            region.municipalities.filter(figures__isnull=False)
            .order_by("-figures__year")
            .values_list("figures__year", flat=True)
            .first()
        )
        scenario, _created = Scenario.objects.get_or_create(
            slug=DEFAULT_SCENARIO_SLUG,
            defaults={
                "name": "GMR 2025–2030",
                "region": region,
                "methodology": methodology,
                "first_year": 2025,
                "last_year": 2030,
                "data_year": data_year or 2024,
                "notes": _("Standaardscenario: de standaardmethodiek over de periode 2025–2030."),
            },
        )
    return scenario


def allocation_run_start(*, user, scenario: Scenario) -> AllocationRun:
    """Queue a run of the scenario; the job starts once this transaction has committed.

    `user` None is the command line, which acts with the database's own rights.
    """
    if user is not None:
        _require_project_leader(user, _("Alleen de projectleider start een verdeling."))
    from allocation.tasks import run_allocation

    with transaction.atomic():
        run = AllocationRun.objects.create(
            scenario=scenario,
            started_by=user,
            first_year=scenario.first_year,
            last_year=scenario.last_year,
        )
        if user is not None:
            record_change(user=user, obj=run, action=ObjectChange.Action.CREATE)
        transaction.on_commit(lambda: run_allocation.delay(run.pk))
    return run


def _set_progress(run_id: int, progress: int) -> None:
    # Its own small write, committed at once, so the progress bar moves while the job computes.
    AllocationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(progress=progress)


def allocation_run_fail(*, run_id: int, error: str) -> None:
    """Mark an unfinished run failed; its results, if any were half-written, never committed."""
    AllocationRun.objects.filter(
        pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.FAILED, error=error[:5000], finished_at=timezone.now())


def _ids_by_code() -> tuple[dict, dict]:
    """The engine speaks CBS codes and group codes; the database stores primary keys."""
    return (
        dict(Municipality.objects.values_list("cbs_code", "pk")),
        dict(TargetGroup.objects.values_list("code", "pk")),
    )


def _result_rows(run: AllocationRun, year: int, frame: pd.DataFrame, ids: tuple) -> list:
    municipalities, groups = ids
    return [
        AllocationResult(
            run=run,
            year=year,
            municipality_id=municipalities[row["municipality"]],
            target_group_id=groups[row["target_group"]],
            quota=int(row["quota"]),
            capped=bool(row["capped"]),
            local=bool(row["local"]),
            capacity=None if pd.isna(row["capacity"]) else float(row["capacity"]),
            **{
                column: float(row[column])
                for column in selectors.RESULT_COLUMNS
                if column not in ("quota", "capped", "local", "capacity")
            },
        )
        for row in frame.to_dict("records")
    ]


def allocation_run_execute(
    *, run_id: int, after_step: Callable[[], None] | None = None
) -> AllocationRun:
    """Compute a queued run and store all its results in one transaction.

    Idempotent: a run that already finished is returned untouched, and a second delivery of
    the same task that loses the race finds the run succeeded and writes nothing.
    `after_step` runs after each year (the worker's hook for tests of a dying worker).
    """
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().select_related("scenario").get(pk=run_id)
        if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            return run
        run.status, run.progress, run.error = RunStatus.RUNNING, 0, ""
        run.started_at = timezone.now()
        run.save()
    try:
        inputs = adapter.scenario_inputs(scenario=run.scenario)
        years = list(range(run.first_year, run.last_year + 1))
        frames = {}
        for done, year in enumerate(years, start=1):
            frames[year] = adapter.engine_inputs(inputs, year).fair_share()
            _set_progress(run_id, int(90 * done / len(years)))
            if after_step is not None:
                after_step()
    except ValueError as exc:  # the engine's and the inputs' refusals: a permanent failure
        allocation_run_fail(run_id=run_id, error=str(exc))
        run.refresh_from_db()
        return run
    ids = _ids_by_code()
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.RUNNING:
            return run  # another delivery finished (or the run was declared lost) meanwhile
        AllocationResult.objects.filter(run=run).delete()
        AllocationResult.objects.bulk_create(
            [row for year, frame in frames.items() for row in _result_rows(run, year, frame, ids)]
        )
        run.inputs = inputs
        run.input_hash = adapter.inputs_hash(inputs)
        run.engine_version = ENGINE_VERSION
        run.status, run.progress = RunStatus.SUCCEEDED, 100
        run.finished_at = timezone.now()
        run.save()
    return run


def allocation_runs_fail_lost(*, lost_after: timedelta | None = None) -> int:
    """Fail runs still 'running' long after any worker could be on them (the worker died).

    No task runs longer than Celery's hard time limit, so by default that is the cut-off.
    """
    if lost_after is None:
        lost_after = timedelta(seconds=django_settings.CELERY_TASK_TIME_LIMIT)
    lost = AllocationRun.objects.filter(
        status=RunStatus.RUNNING, started_at__lte=timezone.now() - lost_after
    )
    return lost.update(
        status=RunStatus.FAILED,
        error=_("De verwerking is afgebroken (de worker stopte); start de verdeling opnieuw."),
        finished_at=timezone.now(),
    )


def allocation_run_approve(*, user, run: AllocationRun) -> Approval:
    """Approve a succeeded run as the region's fair share for its period.

    The period's earlier approval stays in the history, no longer current.
    """
    if not can(user, APPROVE, run):
        raise PermissionDenied(_("Alleen de projectleider van de regio keurt een verdeling goed."))
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().select_related("scenario").get(pk=run.pk)
        if run.status != RunStatus.SUCCEEDED:
            raise ValidationError(_("Alleen een geslaagde verdeling kan worden goedgekeurd."))
        region = run.scenario.region
        previous = Approval.objects.select_for_update().filter(
            region=region, first_year=run.first_year, last_year=run.last_year, is_current=True
        )
        if previous.filter(run=run).exists():
            raise ValidationError(_("Deze verdeling is al goedgekeurd voor haar periode."))
        previous.update(is_current=False, superseded_at=timezone.now())
        approval = Approval(
            run=run,
            region=region,
            first_year=run.first_year,
            last_year=run.last_year,
            approved_by=user,
        )
        approval.full_clean()
        approval.save()
        record_change(
            user=user,
            obj=run,
            action=ObjectChange.Action.TRANSITION,
            after={"approved": True, "period": [run.first_year, run.last_year]},
        )
    return approval


def _sweep_settings(base: dict, weight_factors: list[float], cap_shares: list[float]) -> list[dict]:
    """Every variant: each key indicator's weight times each factor, under each cap share."""
    indicators = sorted({name for rule in base["rules"].values() for name in rule["key"]})
    variants = []
    for factors in itertools.product(weight_factors, repeat=len(indicators)):
        factor_of = dict(zip(indicators, factors, strict=True))
        for cap_share in cap_shares:
            rules = {
                group: {
                    **rule,
                    "key": {name: w * factor_of[name] for name, w in rule["key"].items()},
                }
                for group, rule in base["rules"].items()
            }
            # A variant whose every weight of a key became 0 has no key: leave it out.
            if all(sum(rule["key"].values()) > 0 for rule in rules.values()):
                variants.append({**base, "cap_share": float(cap_share), "rules": rules})
    return variants


def _sweep_grid_size(base: dict, weight_factors: list[float], cap_shares: list[float]) -> int:
    """How many variants the ranges span: factors ** key indicators × cap shares.

    Counted from the lists' lengths, before any variant is built, so a request for a million
    variants is refused at once. Variants a factor 0 leaves without a key count too: they are
    few, and counting them exactly would mean building them.
    """
    indicators = {name for rule in base["rules"].values() for name in rule["key"]}
    return len(set(weight_factors)) ** len(indicators) * len(set(cap_shares))


def _validate_sweep_ranges(weight_factors, cap_shares) -> None:
    """Finite, non-negative numbers (caps at most 1): nan and inf never reach the JSON columns."""
    for values, upper in ((weight_factors, None), (cap_shares, 1)):
        try:
            numbers = [float(v) for v in values]
        except (TypeError, ValueError):
            numbers = [math.nan]
        if not numbers or any(
            not math.isfinite(v) or v < 0 or (upper is not None and v > upper) for v in numbers
        ):
            raise ValidationError(
                _(
                    "Factoren en plafonds zijn eindige getallen van 0 of meer "
                    "(plafonds ten hoogste 1)."
                )
            )


def sensitivity_sweep_start(
    *, user, scenario: Scenario, weight_factors: list[float], cap_shares: list[float]
) -> SensitivitySweep:
    """Queue a sweep of the scenario over weight factors and cap shares."""
    _require_project_leader(user, _("Alleen de projectleider start een gevoeligheidsanalyse."))
    _validate_sweep_ranges(weight_factors, cap_shares)
    base = adapter.methodology_settings(scenario.methodology)
    grid = _sweep_grid_size(base, weight_factors, cap_shares)
    if grid > SWEEP_MAX_VARIANTS:
        raise ValidationError(
            _("Dat zijn %(count)s varianten; kies minder factoren (ten hoogste %(max)s).")
            % {"count": grid, "max": SWEEP_MAX_VARIANTS}
        )
    count = len(_sweep_settings(base, weight_factors, cap_shares))
    if count == 0:
        raise ValidationError(_("Deze reeksen geven geen enkele bruikbare variant."))
    if count > SWEEP_MAX_VARIANTS:
        raise ValidationError(
            _("Dat zijn %(count)s varianten; kies minder factoren (ten hoogste %(max)s).")
            % {"count": count, "max": SWEEP_MAX_VARIANTS}
        )
    from allocation.tasks import run_sensitivity_sweep

    with transaction.atomic():
        sweep = SensitivitySweep.objects.create(
            scenario=scenario,
            weight_factors=[float(f) for f in weight_factors],
            cap_shares=[float(c) for c in cap_shares],
            methodology_count=count,
            started_by=user,
        )
        transaction.on_commit(lambda: run_sensitivity_sweep.delay(sweep.pk))
    return sweep


def sensitivity_sweep_is_large(*, sweep: SensitivitySweep) -> bool:
    years = sweep.scenario.last_year - sweep.scenario.first_year + 1
    return sweep.methodology_count * years > SWEEP_CHUNK_THRESHOLD


def sensitivity_sweep_fail(*, sweep_id: int, error: str) -> None:
    """Mark a sweep failed; the years already done keep their bands."""
    SensitivitySweep.objects.filter(pk=sweep_id).update(
        status=RunStatus.FAILED, error=error[:5000], finished_at=timezone.now()
    )


def sensitivity_sweep_prepare(*, sweep_id: int) -> SensitivitySweep:
    """Take the scenario's inputs for the sweep, once; later calls return what was taken."""
    with transaction.atomic():
        sweep = SensitivitySweep.objects.select_for_update().select_related("scenario")
        sweep = sweep.get(pk=sweep_id)
        if sweep.inputs is None:
            sweep.inputs = adapter.scenario_inputs(scenario=sweep.scenario)
            sweep.save(update_fields=["inputs"])
    return sweep


def sensitivity_sweep_year(*, sweep_id: int, year: int) -> SensitivitySweep:
    """Compute one year of a sweep and store its bands in one transaction (replacing any)."""
    sweep = SensitivitySweep.objects.select_related("scenario").get(pk=sweep_id)
    if sweep.status == RunStatus.FAILED:
        return sweep
    try:
        inputs = sweep.inputs
        if inputs is None:
            inputs = sensitivity_sweep_prepare(sweep_id=sweep_id).inputs
        engine_inputs = adapter.engine_inputs(inputs, year)
        variants = _sweep_settings(inputs["methodology"], sweep.weight_factors, sweep.cap_shares)
        bands = engine_sweep(
            engine_inputs.indicators,
            engine_inputs.tasks,
            [adapter.engine_methodology(v) for v in variants],
            carried=engine_inputs.carried,
            carry_over=engine_inputs.carry_over,
        )
    except ValueError as exc:
        sensitivity_sweep_fail(sweep_id=sweep_id, error=str(exc))
        return SensitivitySweep.objects.get(pk=sweep_id)
    municipalities, groups = _ids_by_code()
    with transaction.atomic():
        sweep = SensitivitySweep.objects.select_for_update().get(pk=sweep_id)
        SensitivityBand.objects.filter(sweep=sweep, year=year).delete()
        SensitivityBand.objects.bulk_create(
            SensitivityBand(
                sweep=sweep,
                year=year,
                municipality_id=municipalities[row["municipality"]],
                target_group_id=groups[row["target_group"]],
                minimum=float(row["min"]),
                p10=float(row["p10"]),
                median=float(row["median"]),
                p90=float(row["p90"]),
                maximum=float(row["max"]),
            )
            for row in bands.to_dict("records")
        )
        years = list(range(sweep.scenario.first_year, sweep.scenario.last_year + 1))
        sweep.years_done = sorted(set(sweep.years_done) | {year})
        sweep.progress = int(100 * len(sweep.years_done) / len(years))
        sweep.status = RunStatus.RUNNING
        if set(years) <= set(sweep.years_done):
            sweep.status, sweep.finished_at = RunStatus.SUCCEEDED, timezone.now()
        sweep.save()
    return sweep
