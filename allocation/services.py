"""Writes of the fair-share allocation: scenarios, runs as jobs, approval and sensitivity sweeps."""

import itertools
import logging
import math
import threading
from collections.abc import Callable
from datetime import timedelta

import pandas as pd
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.functions import Coalesce
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
    RunNotice,
    RunStatus,
    Scenario,
    SensitivityBand,
    SensitivitySweep,
)
from gmr_thuis.history import record_change
from gmr_thuis.models import ObjectChange
from gmr_thuis.permissions import APPROVE, can, is_project_leader
from municipalities.models import Municipality, Region, TargetGroup

logger = logging.getLogger(__name__)

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
    """Queue a run of the scenario; the job is sent once this transaction has committed.

    `user` None is the command line, which acts with the database's own rights. With the broker
    unreachable the run ends failed at once with a message saying so (see `_dispatch_run`).
    """
    if user is not None:
        _require_project_leader(user, _("Alleen de projectleider start een verdeling."))
    with transaction.atomic():
        run = AllocationRun.objects.create(
            scenario=scenario,
            started_by=user,
            first_year=scenario.first_year,
            last_year=scenario.last_year,
        )
        if user is not None:
            record_change(user=user, obj=run, action=ObjectChange.Action.CREATE)
        transaction.on_commit(lambda: _dispatch_run(run.pk, fail_when_unsent=True))
    return run


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as BrokerOperationalError
    from redis.exceptions import RedisError

    return (BrokerOperationalError, RedisError, OSError)


def _dispatch_run(run_id: int, *, fail_when_unsent: bool) -> bool:
    """Send the run's job to the workers; the run records which task is responsible for it.

    The task id is stored before the message leaves, so the worker that receives it finds it.
    When the broker cannot be reached a new run fails with that reason (the user started it
    just now and can start it again); a run the sweeper re-sends stays queued for the next sweep.
    """
    from celery import uuid

    from allocation.tasks import run_allocation

    task_id = uuid()
    AllocationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        task_id=task_id, dispatched_at=timezone.now()
    )
    try:
        run_allocation.apply_async(args=[run_id], task_id=task_id)
    except _broker_errors() as exc:
        logger.warning("Allocation run %s not sent, broker unreachable: %s", run_id, exc)
        if fail_when_unsent:
            allocation_run_fail(run_id=run_id, error=broker_down_message())
        return False
    return True


def broker_down_message() -> str:
    return _(
        "De wachtrij voor berekeningen is nu niet bereikbaar, dus de verdeling is niet gestart. "
        "Probeer het over een paar minuten opnieuw."
    )


def _set_progress(run_id: int, task_id: str, progress: int) -> None:
    # Its own small write, committed at once, so the progress bar moves while the job computes.
    # It doubles as a heartbeat; a worker the run was taken from moves nothing any more.
    AllocationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, task_id=task_id).update(
        progress=progress, heartbeat_at=timezone.now()
    )


def allocation_run_beat(*, run_id: int, task_id: str) -> bool:
    """The worker's sign of life for a run it computes; False once the run is no longer its own."""
    return bool(
        AllocationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, task_id=task_id).update(
            heartbeat_at=timezone.now()
        )
    )


class _Heartbeat:
    """Beats for a run from a thread of its own while the job computes, however long a step.

    The thread has its own database connection; a database outage skips beats (the connection
    is dropped and made again), it never stops the computation.
    """

    def __init__(self, run_id: int, task_id: str, every: float | None):
        self.run_id, self.task_id, self.every = run_id, task_id, every
        self._stop = threading.Event()
        self._thread = None

    def _beat(self):
        from django.db import DatabaseError, connection

        try:
            while not self._stop.wait(self.every):
                try:
                    allocation_run_beat(run_id=self.run_id, task_id=self.task_id)
                except DatabaseError as exc:
                    logger.warning("Heartbeat of run %s skipped: %s", self.run_id, exc)
                    connection.close()
        finally:
            connection.close()

    def __enter__(self):
        if self.every:
            self._thread = threading.Thread(
                target=self._beat, name=f"run-{self.run_id}-heartbeat", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def allocation_run_fail(*, run_id: int, error: str, task_id: str | None = None) -> None:
    """Mark an unfinished run failed; its results, if any were half-written, never committed.

    With `task_id`, only while that task is the one responsible for the run: a stray delivery
    that fails leaves a run another worker computes alone.
    """
    unfinished = AllocationRun.objects.filter(
        pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    )
    if task_id is not None:
        unfinished = unfinished.filter(task_id=task_id)
    unfinished.update(
        status=RunStatus.FAILED, error=error[:5000], finished_at=timezone.now(), notice=""
    )


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


def _claim(run_id: int, task_id: str) -> AllocationRun | None:
    """Take the run for this task, or None when it is finished or another live worker has it.

    A queued run is anyone's; a running one stays with its task (a retry of that task takes it
    again) unless its heartbeat stopped, and then the first delivery that comes takes it over.
    """
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().select_related("scenario").get(pk=run_id)
        taken_over = run.status == RunStatus.RUNNING and run.worker_seems_lost
        if not (
            run.status == RunStatus.QUEUED
            or (run.status == RunStatus.RUNNING and (run.task_id == task_id or taken_over))
        ):
            return None
        if taken_over:
            run.notice = RunNotice.WORKER_LOST
        elif run.notice == RunNotice.REQUEUED:
            run.notice = ""
        # A retry of the same task (a database hiccup) is the same attempt; a new worker is not.
        if run.status == RunStatus.QUEUED or run.task_id != task_id:
            run.attempts += 1
        run.status, run.progress, run.error = RunStatus.RUNNING, 0, ""
        run.task_id = task_id
        run.started_at = run.heartbeat_at = timezone.now()
        run.save()
    return run


def allocation_run_execute(
    *,
    run_id: int,
    task_id: str = "",
    after_step: Callable[[], None] | None = None,
    heartbeat_every: float | None = None,
) -> AllocationRun:
    """Compute a queued run and store all its results in one transaction.

    Idempotent: a run that already finished is returned untouched, a delivery that finds another
    live worker on it returns at once, and one that loses the race to finish writes nothing.
    `after_step` runs after each year (the worker's hook for tests of a dying worker);
    `heartbeat_every` (seconds) beats from a thread meanwhile (a worker; not eager jobs).
    """
    run = _claim(run_id, task_id)
    if run is None:
        return AllocationRun.objects.get(pk=run_id)
    try:
        with _Heartbeat(run_id, task_id, heartbeat_every):
            inputs = adapter.scenario_inputs(scenario=run.scenario)
            years = list(range(run.first_year, run.last_year + 1))
            frames = {}
            for done, year in enumerate(years, start=1):
                frames[year] = adapter.engine_inputs(inputs, year).fair_share()
                _set_progress(run_id, task_id, int(90 * done / len(years)))
                if after_step is not None:
                    after_step()
    except ValueError as exc:  # the engine's and the inputs' refusals: a permanent failure
        allocation_run_fail(run_id=run_id, error=str(exc), task_id=task_id)
        run.refresh_from_db()
        return run
    ids = _ids_by_code()
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.RUNNING or run.task_id != task_id:
            return run  # another delivery finished, or took the run over, meanwhile
        AllocationResult.objects.filter(run=run).delete()
        AllocationResult.objects.bulk_create(
            [row for year, frame in frames.items() for row in _result_rows(run, year, frame, ids)]
        )
        run.inputs = inputs
        run.input_hash = adapter.inputs_hash(inputs)
        run.engine_version = ENGINE_VERSION
        run.status, run.progress, run.notice = RunStatus.SUCCEEDED, 100, ""
        run.finished_at = timezone.now()
        run.save()
        _warm_pages_after_commit(run.pk)
    return run


def _warm_pages_after_commit(run_id: int) -> None:
    # Everyone of the region reads a finished or approved run at once: compute its pages first.
    from dashboards.warming import warm_after_commit

    warm_after_commit(run_id)


def _requeue_lost(run: AllocationRun) -> str | None:
    # Only if nothing moved since it was read: a worker that beat just now keeps its run.
    unchanged = AllocationRun.objects.filter(
        pk=run.pk, status=RunStatus.RUNNING, task_id=run.task_id, heartbeat_at=run.heartbeat_at
    )
    if run.attempts >= django_settings.GMR_RUN_MAX_ATTEMPTS:
        failed = unchanged.update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            notice="",
            error=_(
                "De verwerking stopte %(count)s keer voordat de verdeling klaar was; "
                "start de verdeling opnieuw of vraag de beheerder de werkers na te kijken."
            )
            % {"count": run.attempts},
        )
        return "failed" if failed else None
    requeued = unchanged.update(status=RunStatus.QUEUED, notice=RunNotice.WORKER_LOST, progress=0)
    return "requeued" if requeued else None


def allocation_runs_sweep() -> dict[str, int]:
    """Periodic: hand runs whose worker died to another one, and re-send runs lost from the queue.

    A running run without a heartbeat for GMR_RUN_LOST_AFTER_SECONDS goes back to the queue
    with a new message (or fails after GMR_RUN_MAX_ATTEMPTS workers were lost on it): the
    broker's own redelivery would wait the whole visibility timeout. A queued run whose
    message went GMR_RUN_REDISPATCH_SECONDS without a worker is sent again (a Redis restart
    may have lost it); after GMR_RUN_QUEUE_GIVE_UP_SECONDS in the queue it fails. Extra
    messages are harmless: a delivery for a run that is finished or has a live worker returns.
    """
    now = timezone.now()
    config = django_settings
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    lost = (
        AllocationRun.objects.filter(status=RunStatus.RUNNING)
        .annotate(last_sign=Coalesce("heartbeat_at", "started_at", "created_at"))
        .filter(last_sign__lt=now - timedelta(seconds=config.GMR_RUN_LOST_AFTER_SECONDS))
    )
    to_send = []
    for run in lost:
        outcome = _requeue_lost(run)
        if outcome:
            counts[outcome] += 1
        if outcome == "requeued":
            to_send.append(run.pk)
    waiting = (
        AllocationRun.objects.filter(status=RunStatus.QUEUED)
        .annotate(sent=Coalesce("dispatched_at", "created_at"))
        .filter(sent__lt=now - timedelta(seconds=config.GMR_RUN_REDISPATCH_SECONDS))
        .exclude(pk__in=to_send)
    )
    give_up_before = now - timedelta(seconds=config.GMR_RUN_QUEUE_GIVE_UP_SECONDS)
    for run in waiting:
        still_queued = AllocationRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED)
        if run.created_at < give_up_before:
            counts["failed"] += still_queued.update(
                status=RunStatus.FAILED,
                finished_at=timezone.now(),
                notice="",
                error=_("Geen werker nam de verdeling op; start de verdeling opnieuw."),
            )
            continue
        still_queued.filter(notice="").update(notice=RunNotice.REQUEUED)
        to_send.append(run.pk)
        counts["resent"] += 1
    for run_id in to_send:
        _dispatch_run(run_id, fail_when_unsent=False)
    return counts


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
        _warm_pages_after_commit(run.pk)
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


def _lock_sweep_year(sweep_id: int, year: int) -> None:
    """Hold one year of one sweep until the transaction ends (PostgreSQL's advisory lock;
    SQLite writes one transaction at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [sweep_id, year])


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
    years = list(range(sweep.scenario.first_year, sweep.scenario.last_year + 1))
    municipalities, groups = _ids_by_code()
    rows = [
        SensitivityBand(
            sweep_id=sweep_id,
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
    ]
    # The years of a large sweep are written by several workers at once: each holds its own
    # year (a second delivery of the same year's task waits for the first) and the sweep's
    # row only to mark its year done, so they do not write their bands one after another.
    with transaction.atomic():
        _lock_sweep_year(sweep_id, year)
        SensitivityBand.objects.filter(sweep_id=sweep_id, year=year).delete()
        SensitivityBand.objects.bulk_create(rows)
        # FOR NO KEY UPDATE: the bands just written share-lock the row through their foreign
        # key (as another worker's do), which a plain FOR UPDATE would wait for. Without the
        # inputs: the year's mark is all that is written, not the snapshot again.
        sweep = (
            SensitivitySweep.objects.select_for_update(no_key=True).defer("inputs").get(pk=sweep_id)
        )
        sweep.years_done = sorted(set(sweep.years_done) | {year})
        sweep.progress = int(100 * len(sweep.years_done) / len(years))
        sweep.status = RunStatus.RUNNING
        if set(years) <= set(sweep.years_done):
            sweep.status, sweep.finished_at = RunStatus.SUCCEEDED, timezone.now()
        sweep.save(update_fields=["years_done", "progress", "status", "finished_at"])
    return sweep
